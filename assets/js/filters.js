// Filters on the project list: progressive enhancement, no framework.
//
// Without JavaScript the form stays hidden: the list is complete, page by page, and the facet
// pages do the filtering. With it, the form appears; checking boxes filters every project
// (AND across facets, OR within one), the state lives in the query string (?status=pilot&service=fire)
// so a filtered view can be shared, and back/forward work. Results are built with DOM APIs and
// textContent only: the data comes from contributors and is never parsed as HTML.
(function () {
  "use strict";

  var PAGE_SIZE = 50;
  var form = document.getElementById("project-filters");
  if (!form || !window.fetch || !window.history || !window.history.pushState || !window.URLSearchParams) {
    return;
  }
  var root = form.getAttribute("data-root") || "";
  var storeUrl = form.getAttribute("data-docstore");
  var countEl = document.getElementById("result-count");
  var serverResults = document.getElementById("server-results");
  var filterResults = document.getElementById("filter-results");
  var list = document.getElementById("filter-results-list");
  var more = document.getElementById("filter-results-more");
  var initialCount = countEl.textContent;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var store = null;
  var loading = null;
  var matches = [];
  var shown = 0;

  function safeHref(url) {
    // Only site-relative addresses from the document store: no scheme, no leading slash or backslash.
    if (typeof url !== "string" || /^[a-z][a-z0-9+.\-]*:/i.test(url) || /^[\/\\]/.test(url)) {
      return null;
    }
    return root + url;
  }

  function safeToken(value) {
    return typeof value === "string" && /^[a-z0-9-]+$/.test(value) ? value : "";
  }

  function load() {
    if (!loading) {
      loading = fetch(storeUrl, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          store = data;
          return data;
        });
    }
    return loading;
  }

  // Which boxes are checked, as {param: [values]}, in form order.
  function selection() {
    var chosen = {};
    inputs.forEach(function (input) {
      if (input.checked) {
        (chosen[input.name] = chosen[input.name] || []).push(input.value);
      }
    });
    return chosen;
  }

  function hasSelection(chosen) {
    return Object.keys(chosen).length > 0;
  }

  function queryString() {
    var params = new URLSearchParams();
    inputs.forEach(function (input) {
      if (input.checked) {
        params.append(input.name, input.value);
      }
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    inputs.forEach(function (input) {
      input.checked = params.getAll(input.name).indexOf(input.value) !== -1;
    });
  }

  function keyOf(param) {
    var input = form.querySelector("input[name='" + param + "']");
    return input ? input.getAttribute("data-key") : null;
  }

  function matchesAll(doc, chosen) {
    return Object.keys(chosen).every(function (param) {
      var key = keyOf(param);
      var values = doc[key];
      var own = Array.isArray(values) ? values : [values];
      return chosen[param].some(function (wanted) {
        return own.indexOf(wanted) !== -1;
      });
    });
  }

  function label(key, id) {
    var labels = (store.labels && store.labels[key]) || {};
    return Object.prototype.hasOwnProperty.call(labels, id) ? String(labels[id]) : String(id);
  }

  function labelList(key, ids) {
    return (Array.isArray(ids) ? ids : []).map(function (id) {
      return label(key, id);
    }).join(", ");
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  // The same markup as the project_item macro in templates/macros.html.
  function item(doc) {
    var li = element("li", "app-project-list__item");
    var heading = element("h2", "govuk-heading-s app-project-list__title");
    var href = safeHref(doc.u);
    var title = String(doc.t || "");
    if (href) {
      var link = element("a", "govuk-link", title);
      link.setAttribute("href", href);
      heading.appendChild(link);
    } else {
      heading.textContent = title;
    }
    li.appendChild(heading);
    li.appendChild(element("p", "govuk-body app-project-list__summary", String(doc.s || "")));
    var meta = element("p", "govuk-body-s app-project-list__meta");
    var status = safeToken(doc.st);
    meta.appendChild(element("strong", "govuk-tag app-status" + (status ? " app-status--" + status : ""), label("st", doc.st)));
    meta.appendChild(document.createTextNode(" "));
    var facts = element("span", "app-project-list__facts");
    var separator = element("span", "app-project-list__separator", "·");
    separator.setAttribute("aria-hidden", "true");
    facts.appendChild(element("span", "govuk-visually-hidden", "Services: "));
    facts.appendChild(document.createTextNode(labelList("sv", doc.sv) + " "));
    facts.appendChild(separator);
    facts.appendChild(document.createTextNode(" "));
    facts.appendChild(element("span", "govuk-visually-hidden", "Regions: "));
    facts.appendChild(document.createTextNode(labelList("rg", doc.rg)));
    meta.appendChild(facts);
    li.appendChild(meta);
    return li;
  }

  function showMore() {
    var first = null;
    matches.slice(shown, shown + PAGE_SIZE).forEach(function (doc) {
      var node = item(doc);
      first = first || node;
      list.appendChild(node);
    });
    shown = Math.min(matches.length, shown + PAGE_SIZE);
    more.hidden = shown >= matches.length;
    more.textContent = "Show more projects (" + (matches.length - shown) + " more)";
    return first;
  }

  function announce(text) {
    countEl.textContent = text;
  }

  function render() {
    var chosen = selection();
    if (!hasSelection(chosen)) {
      filterResults.hidden = true;
      serverResults.hidden = false;
      announce(initialCount);
      return Promise.resolve();
    }
    if (store) {  // loaded: filter at once, so the list changes with the box
      show(store);
      return Promise.resolve();
    }
    return load().then(show).catch(function () {
      announce("Sorry, filtering is not working at the moment. Use the links under 'Browse projects' instead.");
    });
  }

  // Lists the projects matching the boxes checked now (they may have changed while the documents loaded).
  function show(data) {
    var chosen = selection();
    if (!hasSelection(chosen)) {
      return;
    }
    var documents = data.documents || {};
    // Reading order, as on the server: by title, then slug.
    matches = Object.keys(documents).filter(function (slug) {
      return matchesAll(documents[slug], chosen);
    }).map(function (slug) {
      return { slug: slug, key: String(documents[slug].t || "").toLowerCase(), doc: documents[slug] };
    }).sort(function (a, b) {
      return a.key < b.key ? -1 : a.key > b.key ? 1 : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
    }).map(function (entry) {
      return entry.doc;
    });
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    shown = 0;
    showMore();
    serverResults.hidden = true;
    filterResults.hidden = false;
    announce(matches.length === 0 ? "No projects match these filters." :
      matches.length === 1 ? "1 project matches these filters." :
        matches.length + " projects match these filters.");
  }

  function update() {
    var query = queryString();
    if (query !== window.location.search) {
      window.history.pushState({ filters: query }, "", window.location.pathname + query);
    }
    render();
  }

  // Start loading the documents as soon as someone reaches for the filters.
  ["focusin", "pointerdown", "mouseover"].forEach(function (name) {
    form.addEventListener(name, function () {
      load().catch(function () {});
    });
  });
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  form.addEventListener("reset", function () {
    // The browser unchecks the boxes after this event: update once it has.
    window.setTimeout(update, 0);
  });
  more.addEventListener("click", function () {
    var first = showMore();
    var link = first && first.querySelector("a");
    if (link) {
      link.focus();
    }
  });
  window.addEventListener("popstate", function () {
    readUrl();
    openGroups();
    render();
  });

  // Each facet is a <details>: open on wide screens, and wherever a box is checked.
  function openGroups() {
    var wide = window.matchMedia && window.matchMedia("(min-width: 40.0625em)").matches;
    Array.prototype.forEach.call(form.querySelectorAll("details"), function (details) {
      if (wide || details.querySelector("input:checked")) {
        details.open = true;
      }
    });
  }

  readUrl();
  openGroups();
  window.history.replaceState({ filters: queryString() }, "", window.location.pathname + queryString() + window.location.hash);
  form.hidden = false;
  render();
})();
