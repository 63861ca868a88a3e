// The search page, and the search box on every other page, over search.js (window.catalogueSearch):
// loads the manifest, the index or the shards a query needs, search/filter.json for the facets and
// the fragments of the results on screen, each once per page. Everything is built with DOM APIs
// and textContent: the data is contributors' text.
(function (global) {
  "use strict";
  if (typeof document === "undefined" || !global.catalogueSearch || global.catalogueSearch.started) {
    return;
  }
  var api = global.catalogueSearch;
  api.started = true;
  var PAGE_SIZE = 20;  // results shown at a time: each needs its fragment fetched
  var cache = {};  // url -> Promise of parsed JSON: each file is fetched once per page

  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status + " for " + url);
        }
        return response.json();
      });
      cache[url].catch(function () {
        delete cache[url];  // try again next time
      });
    }
    return cache[url];
  }

  function Loader(searchDir) {
    var indexes = {};  // url -> Promise of lunr.Index
    var manifest = null;
    var source = null;
    var filter = null;
    function manifestPromise() {
      manifest = manifest || getJSON(searchDir + "manifest.json");
      return manifest;
    }
    function loadIndex(path) {
      var url = searchDir + path;
      if (!indexes[url]) {
        indexes[url] = getJSON(url).then(function (data) {
          return global.lunr.Index.load(data);
        });
        indexes[url].catch(function () {
          delete indexes[url];
        });
      }
      return indexes[url];
    }
    function loadJSON(path) {
      return getJSON(searchDir + path);
    }
    // Promise of the search source (api.makeSource) the manifest describes.
    this.source = function () {
      source = source || manifestPromise().then(function (m) {
        return api.makeSource(m, loadIndex, loadJSON);
      });
      source.catch(function () {
        source = null;
      });
      return source;
    };
    // Promise of search/filter.json, read (api.readFilter).
    this.filter = function () {
      filter = filter || getJSON(searchDir + "filter.json").then(api.readFilter);
      filter.catch(function () {
        filter = null;
      });
      return filter;
    };
    // Promise of one result's fragment ({t, u, s, b}), or null if it cannot be had.
    this.fragment = function (filterData, ref) {
      var path = api.fragmentPath(filterData, ref);
      if (!path) {
        return Promise.resolve(null);
      }
      return getJSON(searchDir + path).then(function (data) {
        return data && typeof data === "object" ? data : null;
      }, function () {
        return null;
      });
    };
    // Fetch (not parse) what any search will need: the filter file, and the single index if there is one.
    this.prefetch = function () {
      getJSON(searchDir + "filter.json").catch(function () {});
      return manifestPromise().then(function (m) {
        return typeof m.index === "string" ? getJSON(searchDir + m.index) : null;
      });
    };
  }

  // Warm the cache as soon as someone reaches for a search box.
  function prefetchOnFocus(input, loader) {
    var started = false;
    input.addEventListener("focus", function () {
      if (!started) {
        started = true;
        loader.prefetch().catch(function () {});
      }
    });
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

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function SearchPage(app) {
    var root = app.getAttribute("data-root") || "";
    var loader = new Loader(root + "search/");
    var form = document.getElementById("search-form");
    var input = document.getElementById("search-input");
    var facetsForm = document.getElementById("search-facets");
    var countEl = document.getElementById("search-count");
    var resultsEl = document.getElementById("search-results");
    var filter = null;
    var current = null;  // the state (readState) whose results are shown
    var all = [];  // its ranking (projects in the filter file)
    var hits = [];  // those matching the facets chosen
    var complete = true;  // false while the ranking leaves typo matches out (api.rankExact)
    var whole = null;  // a function: the promise of the whole ranking (api.rank)
    var shown = 0;
    var list = null;
    var more = null;
    var generation = 0;

    function label(key, id) {
      var labels = (filter && filter.labels[key]) || {};
      return Object.prototype.hasOwnProperty.call(labels, id) ? String(labels[id]) : String(id);
    }

    function readState() {
      var params = new URLSearchParams(global.location.search);
      var chosen = {};
      api.FACETS.forEach(function (facet) {
        chosen[facet.param] = params.getAll(facet.param).filter(function (v) {
          return /^[a-z0-9-]{1,80}$/.test(v);
        });
      });
      return { q: api.displayText(params.get("q")), chosen: chosen };  // echoed in the box and the status
    }

    function urlFor(state) {
      var params = new URLSearchParams();
      if (state.q) {
        params.append("q", state.q);
      }
      api.FACETS.forEach(function (facet) {
        (state.chosen[facet.param] || []).forEach(function (id) {
          params.append(facet.param, id);
        });
      });
      var text = params.toString();
      return global.location.pathname + (text ? "?" + text : "");
    }

    function chosenFromForm() {
      var chosen = {};
      api.FACETS.forEach(function (facet) {
        chosen[facet.param] = [];
      });
      Array.prototype.forEach.call(facetsForm.querySelectorAll("input[type=checkbox]"), function (box) {
        if (box.checked && chosen[box.name]) {
          chosen[box.name].push(box.value);
        }
      });
      return chosen;
    }

    function announce(text) {
      countEl.textContent = text;
    }

    function resultItem(hit, fragment) {
      var doc = filter.rows[hit.ref];
      var li = element("li", "app-project-list__item app-search-result");
      var heading = element("h2", "govuk-heading-s app-project-list__title");
      var path = fragment ? api.safePath(fragment.u) : null;
      var title = String((fragment && fragment.t) || "Project");
      if (path) {
        var link = element("a", "govuk-link", title);
        link.setAttribute("href", root + path);
        heading.appendChild(link);
      } else {
        heading.textContent = title;
      }
      li.appendChild(heading);
      var meta = element("p", "govuk-body-s app-project-list__meta");
      var statusId = api.valuesOf(doc, "st")[0] || "";
      var status = /^[a-z0-9-]+$/.test(statusId) ? statusId : "";
      meta.appendChild(element("strong", "govuk-tag app-status" + (status ? " app-status--" + status : ""), label("st", statusId)));
      meta.appendChild(document.createTextNode(" "));
      var facts = element("span", "app-project-list__facts");
      facts.appendChild(element("span", "govuk-visually-hidden", "Services: "));
      facts.appendChild(document.createTextNode(api.valuesOf(doc, "sv").map(function (id) {
        return label("sv", id);
      }).join(", ")));
      meta.appendChild(facts);
      li.appendChild(meta);
      var summary = element("p", "govuk-body app-project-list__summary");
      var summaryText = fragment && typeof fragment.s === "string" ? fragment.s : "";
      var body = fragment && typeof fragment.b === "string" ? fragment.b : null;
      api.excerpt(summaryText, body, hit.terms).forEach(function (piece) {
        summary.appendChild(piece.mark ? element("mark", "app-search-result__match", piece.text) : document.createTextNode(piece.text));
      });
      li.appendChild(summary);
      return li;
    }

    // Takes `ranked` ({hits, complete}: api.rankExact) as the results of `state`.
    function take(state, ranked) {
      current = state;
      complete = ranked.complete;
      all = ranked.hits.filter(function (hit) {
        return Object.prototype.hasOwnProperty.call(filter.rows, hit.ref);
      });
      hits = all.filter(function (hit) {
        return api.matchesFacets(filter.rows[hit.ref], state.chosen);
      });
    }

    // The number of results, said truthfully while the typo matches are not counted yet.
    function announceCount() {
      var filtered = all.length !== hits.length ? " (filtered from " + all.length + ")" : "";
      announce((hits.length === 1 ? "1 result" : hits.length + " results") + " for \u201c" + current.q + "\u201d" + filtered +
        (complete ? "." : ", not counting similar spellings."));
    }

    function labelMore() {
      var left = hits.length - shown;
      more.hidden = complete && left <= 0;
      more.textContent = complete ? "Show more results (" + left + " more)" :
        left > 0 ? "Show more results (" + left + " or more)" : "Show results with similar spellings";
    }

    // Promise of the next page of results, appended; resolves to its first item (or null). A page
    // that goes past the exact matches waits for the whole ranking, typo matches and all.
    function showMore(mine) {
      if (!complete && shown + PAGE_SIZE > hits.length) {
        more.hidden = true;
        return whole().then(function (ranked) {
          if (mine !== generation) {
            return null;
          }
          take(current, { hits: ranked, complete: true });
          renderFacets(all, current.chosen);
          announceCount();
          return showMore(mine);
        });
      }
      var page = hits.slice(shown, shown + PAGE_SIZE);
      shown = Math.min(hits.length, shown + PAGE_SIZE);
      more.hidden = true;
      return Promise.all(page.map(function (hit) {
        return loader.fragment(filter, hit.ref);
      })).then(function (fragments) {
        if (mine !== generation) {
          return null;
        }
        var first = null;
        page.forEach(function (hit, i) {
          var node = resultItem(hit, fragments[i]);
          first = first || node;
          list.appendChild(node);
        });
        labelMore();
        return first;
      });
    }

    function browseLinks(intro) {
      var p = element("p", "govuk-body", intro);
      [["themes/", "theme"], ["services/", "service"], ["regions/", "region"], ["status/", "status"], ["organisations/", "organisation"]].forEach(function (pair, i, all) {
        var link = element("a", "govuk-link", pair[1]);
        link.setAttribute("href", root + pair[0]);
        p.appendChild(link);
        p.appendChild(document.createTextNode(i === all.length - 1 ? "." : i === all.length - 2 ? " or " : ", "));
      });
      return p;
    }

    function noResults(q) {
      var box = element("div", "app-search-empty");
      box.appendChild(element("h2", "govuk-heading-m", "No projects match \u201c" + q + "\u201d"));
      box.appendChild(element("p", "govuk-body", "You could:"));
      var tips = element("ul", "govuk-list govuk-list--bullet");
      tips.appendChild(element("li", "", "check the spelling"));
      tips.appendChild(element("li", "", "try fewer or different words, such as a place or a kind of work"));
      tips.appendChild(element("li", "", "clear the filters, if you chose any"));
      box.appendChild(tips);
      box.appendChild(browseLinks("Or browse projects by "));
      return box;
    }

    function renderFacets(all, chosen) {
      clear(facetsForm);
      if (all.length === 0) {
        facetsForm.hidden = true;
        return;
      }
      facetsForm.hidden = false;
      facetsForm.appendChild(element("h2", "govuk-heading-m", "Filter results"));
      if (!complete) {
        facetsForm.appendChild(element("p", "govuk-body-s", "The counts leave out similar spellings until you show more results."));
      }
      api.FACETS.forEach(function (facet) {
        var counts = {};
        all.forEach(function (hit) {
          api.valuesOf(filter.rows[hit.ref], facet.key).forEach(function (id) {
            counts[id] = (counts[id] || 0) + 1;
          });
        });
        (chosen[facet.param] || []).forEach(function (id) {
          counts[id] = counts[id] || 0;
        });
        var ids = Object.keys(counts).sort(function (a, b) {
          return (counts[b] - counts[a]) || (label(facet.key, a) < label(facet.key, b) ? -1 : 1);
        });
        if (ids.length === 0) {
          return;
        }
        var group = element("div", "govuk-form-group");
        var fieldset = element("fieldset", "govuk-fieldset");
        fieldset.appendChild(element("legend", "govuk-fieldset__legend govuk-fieldset__legend--s", facet.title));
        var boxes = element("div", "govuk-checkboxes govuk-checkboxes--small");
        ids.forEach(function (id) {
          var item = element("div", "govuk-checkboxes__item");
          var box = element("input", "govuk-checkboxes__input");
          box.type = "checkbox";
          box.name = facet.param;
          box.value = id;
          box.id = "facet-" + facet.param + "-" + id;
          box.checked = (chosen[facet.param] || []).indexOf(id) !== -1;
          var text = element("label", "govuk-label govuk-checkboxes__label", label(facet.key, id) + " (" + counts[id] + ")");
          text.setAttribute("for", box.id);
          item.appendChild(box);
          item.appendChild(text);
          boxes.appendChild(item);
        });
        fieldset.appendChild(boxes);
        group.appendChild(fieldset);
        facetsForm.appendChild(group);
      });
    }

    // Promise: shows the results (the first page's fragments loaded) of `ranked` (api.rankExact),
    // with the whole ranking first if the exact matches do not fill the first page.
    function show(state, ranked, mine) {
      take(state, ranked);
      if (!complete && hits.length < PAGE_SIZE) {
        return whole().then(function (wholeRanking) {
          return mine === generation ? show(state, { hits: wholeRanking, complete: true }, mine) : null;
        });
      }
      shown = 0;
      if (hits.length === 0) {
        renderFacets(all, state.chosen);
        clear(resultsEl);
        resultsEl.appendChild(noResults(state.q));
        announce("No results for \u201c" + state.q + "\u201d.");
        return Promise.resolve();
      }
      var newList = element("ol", "govuk-list app-project-list app-search-results");
      var newMore = element("button", "govuk-button govuk-button--secondary", "");
      newMore.type = "button";
      newMore.hidden = true;
      newMore.addEventListener("click", function () {
        showMore(generation).then(function (first) {
          var link = first && first.querySelector("a");
          if (link) {
            link.focus();
          }
        });
      });
      list = newList;
      more = newMore;
      return showMore(mine).then(function () {
        if (mine !== generation) {
          return;
        }
        renderFacets(all, state.chosen);
        clear(resultsEl);
        resultsEl.appendChild(newList);
        resultsEl.appendChild(newMore);
        announceCount();
      });
    }

    function render() {
      var state = readState();
      var mine = ++generation;
      input.value = state.q;
      var words = api.queryWords(state.q);
      if (words.length === 0) {
        clear(resultsEl);
        clear(facetsForm);
        facetsForm.hidden = true;
        announce(state.q.trim() ? "Type a word to search for, such as \u201ccontrol room\u201d or a place name." : "");
        if (state.q.trim()) {
          resultsEl.appendChild(noResults(state.q));
        }
        app.setAttribute("data-search-done", String(generation));
        return Promise.resolve();
      }
      announce("Searching\u2026");
      var ranking = loader.source().then(function (source) {
        var wholeRanking = null;
        whole = function () {
          wholeRanking = wholeRanking || api.rank(words, source);
          return wholeRanking;
        };
        return api.rankExact(words, source);
      });
      return Promise.all([ranking, loader.filter()]).then(function (loaded) {
        if (mine !== generation) {
          return null;  // a newer search has started
        }
        filter = loaded[1];
        return show(state, loaded[0], mine).then(function () {
          if (mine !== generation) {
            return;
          }
          if (api.firstResultsMs === undefined && global.performance) {
            api.firstResultsMs = global.performance.now();  // since navigation started
          }
          app.setAttribute("data-search-done", String(generation));
        });
      }).catch(function () {
        if (mine === generation) {
          clear(resultsEl);
          announce("Sorry, search is not working at the moment.");
          resultsEl.appendChild(browseLinks("You can still browse projects by "));
          app.setAttribute("data-search-done", String(generation));
        }
      });
    }

    function go(state) {
      var url = urlFor(state);
      if (url !== global.location.pathname + global.location.search) {
        global.history.pushState(null, "", url);
      }
      return render();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      go({ q: api.displayText(input.value), chosen: readState().chosen });
    });
    facetsForm.addEventListener("change", function () {
      go({ q: readState().q, chosen: chosenFromForm() });
    });
    facetsForm.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    global.addEventListener("popstate", function () {
      render();
    });
    prefetchOnFocus(input, loader);
    // For `make bench`: how long ranking a query takes once its data is loaded (milliseconds).
    api.timeQuery = function (text) {
      var words = api.queryWords(text);
      return loader.source().then(function (source) {
        return api.rank(words, source).then(function () {
          var t0 = global.performance.now();
          return api.rank(words, source).then(function (ranked) {
            return { ms: global.performance.now() - t0, results: ranked.length };
          });
        });
      });
    };
    app.hidden = false;
    var nojs = document.getElementById("search-nojs");
    if (nojs) {
      nojs.hidden = true;
    }
    render();
  }

  function start() {
    var app = document.getElementById("search-app");
    if (app && global.fetch && global.URLSearchParams && global.history && global.history.pushState && global.lunr) {
      new SearchPage(app);  // eslint-disable-line no-new
      return;
    }
    // Any other page: fetch the index when someone focuses the header search box.
    var box = document.querySelector("form[role=search] input[name=q]");
    var form = box && box.form;
    if (box && form && global.fetch) {
      var searchDir = form.getAttribute("action") || "";
      searchDir = searchDir.charAt(searchDir.length - 1) === "/" ? searchDir : searchDir + "/";
      prefetchOnFocus(box, new Loader(searchDir));
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(typeof window !== "undefined" ? window : globalThis);
