// Filters on the project list: progressive enhancement, no framework.
//
// Without JavaScript the form stays hidden: the list is complete, page by page, and the facet
// pages do the filtering. With it, the form appears; checking boxes filters every project
// (AND across facets, OR within one), the state lives in the query string (?status=pilot&service=fire)
// so a filtered view can be shared, and back/forward work. Filtering reads search/filter.json (the
// facet numbers, one row per project in reading order); each page of matches then fetches its
// projects' fragments (search/fragments/<hash>/<row>.json: title, address, summary), so the whole
// catalogue is never loaded.
// Results are built with DOM APIs and textContent only: the data comes from contributors and is
// never parsed as HTML.
(function () {
  "use strict";

  var PAGE_SIZE = 50;
  var form = document.getElementById("project-filters");
  var search = window.catalogueSearch;  // search.js, loaded before this script: reads filter.json
  if (!form || !search || !window.fetch || !window.history || !window.history.pushState || !window.URLSearchParams) {
    return;
  }
  var root = form.getAttribute("data-root") || "";
  var filterUrl = form.getAttribute("data-filter");
  var searchDir = root + "search/";
  var countEl = document.getElementById("result-count");
  var serverResults = document.getElementById("server-results");
  var filterResults = document.getElementById("filter-results");
  var list = document.getElementById("filter-results-list");
  var more = document.getElementById("filter-results-more");
  var initialCount = countEl.textContent;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var store = null;  // readFilter(search/filter.json)
  var loading = null;
  var matches = [];  // refs (row numbers of filter.json)
  var shown = 0;
  var generation = 0;
  var fragments = {};  // ref -> Promise of a fragment (or null)

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

  function own(object, key) {
    return object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key);
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  // search/filter.json, read by search.js (catalogueSearch.readFilter, loaded before this script):
  // {rows: {ref: {key: [ids]}}, order: [refs], labels: {key: {id: label}}, fragments: folder or null}.
  function readFilter(data) {
    return search.readFilter(data);
  }

  function load() {
    if (!loading) {
      loading = getJSON(filterUrl).then(function (data) {
        store = readFilter(data);
        return store;
      });
      loading.catch(function () {
        loading = null;  // try again on the next change
      });
    }
    return loading;
  }

  function fragment(ref) {
    if (!store.fragments) {
      return Promise.resolve(null);
    }
    if (!fragments[ref]) {
      fragments[ref] = getJSON(searchDir + store.fragments + ref + ".json").then(function (data) {
        return data && typeof data === "object" ? data : null;
      });
      fragments[ref].catch(function () {
        delete fragments[ref];
      });
    }
    return fragments[ref];
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
      var values = own(doc, key) && Array.isArray(doc[key]) ? doc[key] : [];
      return chosen[param].some(function (wanted) {
        return values.indexOf(wanted) !== -1;
      });
    });
  }

  function label(key, id) {
    var labels = (store.labels && store.labels[key]) || {};
    return own(labels, id) ? String(labels[id]) : String(id);
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

  // The same markup as the project_item macro in templates/macros.html, from the project's facets
  // (filter.json) and its fragment (which may be null if it could not be fetched).
  function item(ref, frag) {
    var doc = store.rows[ref];
    var li = element("li", "app-project-list__item");
    var heading = element("h2", "govuk-heading-s app-project-list__title");
    var href = frag ? safeHref(frag.u) : null;
    var title = String((frag && frag.t) || "");
    if (href) {
      var link = element("a", "govuk-link", title);
      link.setAttribute("href", href);
      heading.appendChild(link);
    } else {
      heading.textContent = title;
    }
    li.appendChild(heading);
    li.appendChild(element("p", "govuk-body app-project-list__summary", String((frag && frag.s) || "")));
    var meta = element("p", "govuk-body-s app-project-list__meta");
    var statusId = doc.st[0] || "";
    var status = safeToken(statusId);
    meta.appendChild(element("strong", "govuk-tag app-status" + (status ? " app-status--" + status : ""), label("st", statusId)));
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

  // Promise: the next page of matches, their fragments fetched, appended; resolves to its first item.
  function showMore(mine, target) {
    var page = matches.slice(shown, shown + PAGE_SIZE);
    shown = Math.min(matches.length, shown + PAGE_SIZE);
    more.hidden = true;
    return Promise.all(page.map(function (ref) {
      return fragment(ref).catch(function () {
        return null;
      });
    })).then(function (frags) {
      if (mine !== generation) {
        return null;
      }
      var first = null;
      page.forEach(function (ref, i) {
        var node = item(ref, frags[i]);
        first = first || node;
        target.appendChild(node);
      });
      more.hidden = shown >= matches.length;
      more.textContent = "Show more projects (" + (matches.length - shown) + " more)";
      return first;
    });
  }

  function announce(text) {
    countEl.textContent = text;
  }

  function failed() {
    announce("Sorry, filtering is not working at the moment. Use the links under 'Browse projects' instead.");
  }

  function render() {
    var chosen = selection();
    var mine = ++generation;
    if (!hasSelection(chosen)) {
      filterResults.hidden = true;
      serverResults.hidden = false;
      announce(initialCount);
      return Promise.resolve();
    }
    return load().then(function () {
      return show(mine);
    }).catch(function () {
      if (mine === generation) {
        failed();
      }
    });
  }

  // Lists the projects matching the boxes checked now, in reading order (filter.json's, as on the
  // server: by title, then slug), once the first page's fragments are in.
  function show(mine) {
    var chosen = selection();
    if (mine !== generation || !hasSelection(chosen)) {
      return Promise.resolve();
    }
    matches = store.order.filter(function (ref) {
      return matchesAll(store.rows[ref], chosen);
    });
    shown = 0;
    var count = matches.length;
    var pending = element(list.tagName.toLowerCase(), list.className);
    return showMore(mine, pending).then(function () {
      if (mine !== generation) {
        return;
      }
      pending.id = list.id;
      list.parentNode.replaceChild(pending, list);
      list = pending;
      serverResults.hidden = true;
      filterResults.hidden = false;
      announce(count === 0 ? "No projects match these filters." :
        count === 1 ? "1 project matches these filters." :
          count + " projects match these filters.");
    });
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
    showMore(generation, list).then(function (first) {
      var link = first && first.querySelector("a");
      if (link) {
        link.focus();
      }
    }).catch(failed);
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
