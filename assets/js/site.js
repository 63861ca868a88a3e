// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var body = document.body;
  body.classList.add("js-enabled");
  if ("noModule" in HTMLScriptElement.prototype) {
    body.classList.add("govuk-frontend-supported");
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (window.GOVUKFrontend && window.GOVUKFrontend.isSupported()) {
      window.GOVUKFrontend.initAll();
    }
  });
})();
