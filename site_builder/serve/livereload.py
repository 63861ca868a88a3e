"""Live reload for ``catalogue serve`` only: a same-origin script that the dev server adds to the HTML it serves.

The built files never contain it: :func:`inject` runs on each HTML response of the dev server. The
script (``/__catalogue__/livereload.js``, allowed by the pages' ``script-src 'self'``) polls
``/__catalogue__/status.json``; when the build generation changes it reloads the page after a
successful rebuild, or shows the errors of a failed one in an overlay (built with DOM methods and
``textContent``) and on the console, while the server keeps serving the last good build.
"""

from __future__ import annotations

import json
import threading

PREFIX = "/__catalogue__/"
SCRIPT_PATH = PREFIX + "livereload.js"
STATUS_PATH = PREFIX + "status.json"
TAG = f'<script src="{SCRIPT_PATH}" defer></script>'.encode("ascii")
OVERLAY_ID = "catalogue-livereload-overlay"
POLL_MS = 250

SCRIPT = """\
(function () {
  "use strict";
  var seen = null;
  function overlay(errors) {
    var box = document.getElementById("__ID__");
    if (!box) {
      box = document.createElement("div");
      box.id = "__ID__";
      box.setAttribute("role", "alert");
      var s = box.style;
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.maxHeight = "60vh"; s.overflow = "auto";
      s.zIndex = "2147483647"; s.background = "#0b0c0c"; s.color = "#ffffff"; s.padding = "1em"; s.borderTop = "5px solid #d4351c";
      document.body.appendChild(box);
    }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    var heading = document.createElement("h2");
    heading.textContent = "The rebuild failed: this is still the last good build";
    var list = document.createElement("pre");
    list.style.whiteSpace = "pre-wrap";
    list.textContent = errors.join("\\n");
    box.appendChild(heading);
    box.appendChild(list);
  }
  function check(status) {
    if (seen === null) { seen = status.generation; }
    else if (status.generation !== seen) {
      seen = status.generation;
      if (status.ok) { window.location.reload(); return false; }
    }
    if (!status.ok) {
      if (!document.getElementById("__ID__")) { console.error("catalogue: the rebuild failed\\n" + status.errors.join("\\n")); }
      overlay(status.errors);
    }
    return true;
  }
  function poll() {
    fetch("__STATUS__", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(check, function () { return true; })
      .then(function (again) { if (again !== false) { window.setTimeout(poll, __MS__); } });
  }
  poll();
}());
""".replace("__ID__", OVERLAY_ID).replace("__STATUS__", STATUS_PATH).replace("__MS__", str(POLL_MS))


class BuildStatus:
    """The dev server's last build: a generation number, whether it succeeded, and its error lines."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation, self.ok, self.errors = 0, True, list[str]()

    def update(self, ok: bool, errors: list[str]) -> None:
        with self._lock:
            self.generation += 1
            self.ok, self.errors = ok, errors

    def as_json(self) -> bytes:
        with self._lock:
            return json.dumps({"generation": self.generation, "ok": self.ok, "errors": self.errors}).encode("utf-8")


def inject(html: bytes) -> bytes:
    """``html`` with the live-reload script before its last ``</body>`` (or at the end)."""
    at = html.rfind(b"</body>")
    return html + TAG if at < 0 else html[:at] + TAG + b"\n" + html[at:]
