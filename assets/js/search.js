// Site search: lunr.js 2.3.9 over the index that site_builder/search_index.py writes.
//
// Every word of a query is searched on its own, never through lunr's query parser, so no text a
// reader types can throw: words are runs of letters and digits (the same split as
// site_builder/search_text.py), and lunr's syntax characters (: ~ ^ + - * " and the rest) never reach
// lunr. For each word:
//   1. its stemmed form, plus the word as typed with a trailing wildcard ("ambul" finds ambulance);
//   2. only if 1 finds nothing (the word is not in the index, so probably misspelt or cut short):
//      words one edit away (5 letters or more) and the word with its last letters dropped.
// Projects matching more of the words come first, then those matching more of them by 1, then by
// score. Everything is built with DOM APIs and textContent: the data is contributors' text.
//
// The page part runs in browsers; the search itself (the `api` object) also runs under Node for the
// relevance and compatibility tests (tests/node/).
(function (global) {
  "use strict";

  var WORD_RE = /[\p{L}\p{N}]+(?:['\u2019\-][\p{L}\p{N}]+)*/gu;  // search_text.py: WORD_RE
  var JOINER_RE = /['\u2019\-]/g;
  var POSSESSIVE_RE = /['\u2019]s$/;
  var MAX_WORD_LENGTH = 40;
  var MAX_WORDS = 10;
  var MAX_QUERY_LENGTH = 300;
  var FUZZY_MIN_LENGTH = 5;
  var PREFIX_MIN_LENGTH = 3;
  var APPROXIMATE_WEIGHT = 0.5;
  // Words that make a question, not a subject: "has anyone done joint control rooms?"
  var QUESTION_WORDS = ["anyone", "anybody", "someone", "somebody", "done", "doing", "tried", "projects", "project"];

  function lunrLib() {
    return global.lunr;
  }

  function own(object, key) {
    return object !== null && typeof object === "object" && Object.prototype.hasOwnProperty.call(object, key);
  }

  // --- Text ----------------------------------------------------------------------------------------

  // Control characters (C0, DEL, C1, line and paragraph separators) become spaces; invisible
  // text-direction controls (bidi embeddings, overrides, isolates and marks) and other invisible
  // formatting characters are dropped: echoed, they make text read differently from what it is (an
  // RTL override reverses the rest of the status line).
  var CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
  var INVISIBLE_RE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

  // `text` fit to show back to the reader: without the characters above, spaces collapsed, at most
  // MAX_QUERY_LENGTH characters. Pure, for the Node tests.
  function displayText(text) {
    return String(text || "").replace(CONTROL_RE, " ").replace(INVISIBLE_RE, "").replace(/\s+/g, " ").trim()
      .slice(0, MAX_QUERY_LENGTH);
  }

  // The words of `text` as search_text.py splits them, with each joined word joined up
  // ("co-resp" -> "coresp"), lower-cased, each once, without stop words.
  function queryWords(text) {
    var lunr = lunrLib();
    var source = String(text || "").slice(0, MAX_QUERY_LENGTH).normalize("NFKC").toLowerCase();
    var matches = source.match(WORD_RE) || [];
    var out = [];
    matches.forEach(function (match) {
      var word = match.replace(POSSESSIVE_RE, "").replace(JOINER_RE, "");
      if (!word || word.length > MAX_WORD_LENGTH || out.indexOf(word) !== -1) {
        return;
      }
      if (!lunr.stopWordFilter(word) || QUESTION_WORDS.indexOf(word) !== -1) {
        return;
      }
      out.push(word);
    });
    return out.slice(0, MAX_WORDS);
  }

  function stem(word) {
    var lunr = lunrLib();
    return lunr.stemmer(new lunr.Token(word)).toString();
  }

  // The shard holding a word's terms: search_shards.py: shard_key.
  function shardKey(word, length) {
    var key = "";
    for (var i = 0; i < Math.min(length, word.length); i++) {
      key += /[a-z0-9]/.test(word[i]) ? word[i] : "_";
    }
    return key;
  }

  // --- Searching -----------------------------------------------------------------------------------

  // Runs [[term, options], ...] as one lunr query; [] for no clauses (lunr would match everything).
  function runQuery(index, clauses) {
    if (clauses.length === 0) {
      return [];
    }
    try {
      return index.query(function (q) {
        clauses.forEach(function (clause) {
          q.term(clause[0], clause[1]);
        });
      });
    } catch (error) {  // never let one word break the search
      return [];
    }
  }

  function exactClauses(word) {
    var clauses = [[word, { usePipeline: true, boost: 10 }]];
    if (word.length >= PREFIX_MIN_LENGTH) {
      clauses.push([word, { usePipeline: false, wildcard: lunrLib().Query.wildcard.TRAILING, boost: 3 }]);
    }
    return clauses;
  }

  function approximateClauses(word) {
    var clauses = [];
    if (word.length >= FUZZY_MIN_LENGTH) {
      var stemmed = stem(word);
      clauses.push([stemmed, { usePipeline: false, editDistance: 1, boost: 2 }]);
      if (stemmed !== word) {
        clauses.push([word, { usePipeline: false, editDistance: 1, boost: 2 }]);
      }
    }
    for (var n = word.length - 1; n >= Math.max(4, word.length - 4); n--) {
      clauses.push([word.slice(0, n), { usePipeline: false, boost: 1 }]);
    }
    return clauses;
  }

  // How one word matches: [{ref, score, exact, terms}] (exact: matched by step 1).
  function searchWord(index, word) {
    var exact = true;
    var results = runQuery(index, exactClauses(word));
    if (results.length === 0) {
      exact = false;
      results = runQuery(index, approximateClauses(word));
    }
    return results.map(function (result) {
      return {
        ref: result.ref,
        score: result.score * (exact ? 1 : APPROXIMATE_WEIGHT),
        exact: exact,
        terms: Object.keys((result.matchData && result.matchData.metadata) || {}),
      };
    });
  }

  // Rank projects for `words`; `indexFor(word)` gives the lunr index holding that word's terms.
  // Returns [{ref, score, words, exactWords, terms}] best first.
  function rank(words, indexFor) {
    var byRef = {};
    words.forEach(function (word) {
      var index = indexFor(word);
      if (!index) {
        return;
      }
      searchWord(index, word).forEach(function (hit) {
        var entry = own(byRef, hit.ref) ? byRef[hit.ref] : (byRef[hit.ref] = { ref: hit.ref, score: 0, words: 0, exactWords: 0, terms: [] });
        entry.score += hit.score;
        entry.words += 1;
        entry.exactWords += hit.exact ? 1 : 0;
        hit.terms.forEach(function (term) {
          if (entry.terms.indexOf(term) === -1) {
            entry.terms.push(term);
          }
        });
      });
    });
    return Object.keys(byRef).map(function (ref) {
      return byRef[ref];
    }).sort(function (a, b) {
      return (b.words - a.words) || (b.exactWords - a.exactWords) || (b.score - a.score) ||
        (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
    });
  }

  // --- Facets --------------------------------------------------------------------------------------

  var FACETS = [
    { param: "status", key: "st", title: "Status" },
    { param: "service", key: "sv", title: "Services" },
    { param: "theme", key: "th", title: "Themes" },
    { param: "region", key: "rg", title: "Regions" },
  ];

  function valuesOf(doc, key) {
    var value = own(doc, key) ? doc[key] : [];
    return (Array.isArray(value) ? value : [value]).map(String);
  }

  // chosen: {param: [ids]}; a project must match one id of every facet chosen.
  function matchesFacets(doc, chosen) {
    return FACETS.every(function (facet) {
      var wanted = chosen[facet.param] || [];
      if (wanted.length === 0) {
        return true;
      }
      var values = valuesOf(doc, facet.key);
      return wanted.some(function (id) {
        return values.indexOf(id) !== -1;
      });
    });
  }

  // --- Highlighting --------------------------------------------------------------------------------

  // `text` as [{text, mark}] pieces: words whose index term is one of `terms` are marked.
  function highlight(text, terms) {
    var pieces = [];
    var source = String(text || "");
    var last = 0;
    var re = new RegExp(WORD_RE.source, "gu");
    var match;
    while ((match = re.exec(source)) !== null) {
      var lower = match[0].normalize("NFKC").toLowerCase();
      var joined = lower.replace(POSSESSIVE_RE, "").replace(JOINER_RE, "");
      var parts = lower.replace(POSSESSIVE_RE, "").split(JOINER_RE);
      var hit = [joined].concat(parts).some(function (word) {
        return word && (terms.indexOf(stem(word)) !== -1 || terms.indexOf(word) !== -1);
      });
      if (hit) {
        if (match.index > last) {
          pieces.push({ text: source.slice(last, match.index), mark: false });
        }
        pieces.push({ text: match[0], mark: true });
        last = match.index + match[0].length;
      }
    }
    if (last < source.length) {
      pieces.push({ text: source.slice(last), mark: false });
    }
    return pieces;
  }

  // A site-relative project address from the document store, or null: no scheme, no leading slash
  // or backslash, no "..", nothing but path characters.
  function safePath(url) {
    if (typeof url !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._~\-\/]*$/.test(url)) {
      return null;
    }
    return url.split("/").indexOf("..") === -1 && url.indexOf("//") === -1 ? url : null;
  }

  var api = {
    queryWords: queryWords,
    displayText: displayText,
    stem: stem,
    shardKey: shardKey,
    rank: rank,
    matchesFacets: matchesFacets,
    valuesOf: valuesOf,
    highlight: highlight,
    safePath: safePath,
    FACETS: FACETS,
  };

  if (typeof module === "object" && module.exports) {
    module.exports = api;
    return;
  }
  if (global.catalogueSearch) {  // loaded twice (every page and the search page): run once
    return;
  }
  global.catalogueSearch = api;
})(typeof window !== "undefined" ? window : globalThis);

// --- The page ----------------------------------------------------------------------------------------
(function (global) {
  "use strict";
  if (typeof document === "undefined" || !global.catalogueSearch || global.catalogueSearch.started) {
    return;
  }
  var api = global.catalogueSearch;
  api.started = true;
  var PAGE_SIZE = 50;
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
    // Promise of a function word -> lunr.Index (or null) for these words.
    this.indexesFor = function (words) {
      return manifestPromise().then(function (m) {
        if (typeof m.index === "string") {
          return loadIndex(m.index).then(function (index) {
            return function () {
              return index;
            };
          });
        }
        var keyLength = Number(m.keyLength) || 1;
        var byKey = {};
        var paths = m.shards || {};
        return Promise.all(words.map(function (word) {
          var key = api.shardKey(word, keyLength);
          if (!Object.prototype.hasOwnProperty.call(paths, key)) {
            return null;
          }
          return loadIndex(paths[key]).then(function (index) {
            byKey[key] = index;
          });
        })).then(function () {
          return function (word) {
            return byKey[api.shardKey(word, keyLength)] || null;
          };
        });
      });
    };
    // Fetch (not parse) what any search will need: the single index, if there is one.
    this.prefetch = function () {
      return manifestPromise().then(function (m) {
        return typeof m.index === "string" ? getJSON(searchDir + m.index) : null;
      });
    };
  }

  // Warm the cache as soon as someone reaches for a search box.
  function prefetchOnFocus(input, loader, docstoreUrl) {
    var started = false;
    input.addEventListener("focus", function () {
      if (!started) {
        started = true;
        loader.prefetch().catch(function () {});
        getJSON(docstoreUrl).catch(function () {});
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
    var docstoreUrl = root + "search/documents.json";
    var form = document.getElementById("search-form");
    var input = document.getElementById("search-input");
    var facetsForm = document.getElementById("search-facets");
    var countEl = document.getElementById("search-count");
    var resultsEl = document.getElementById("search-results");
    var store = null;
    var hits = [];
    var shown = 0;
    var list = null;
    var more = null;
    var generation = 0;

    function label(key, id) {
      var labels = (store && store.labels && store.labels[key]) || {};
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

    function resultItem(hit) {
      var doc = store.documents[hit.ref];
      var li = element("li", "app-project-list__item app-search-result");
      var heading = element("h2", "govuk-heading-s app-project-list__title");
      var path = api.safePath(doc.u);
      var title = String(doc.t || hit.ref);
      if (path) {
        var link = element("a", "govuk-link", title);
        link.setAttribute("href", root + path);
        heading.appendChild(link);
      } else {
        heading.textContent = title;
      }
      li.appendChild(heading);
      var meta = element("p", "govuk-body-s app-project-list__meta");
      var status = /^[a-z0-9-]+$/.test(String(doc.st)) ? String(doc.st) : "";
      meta.appendChild(element("strong", "govuk-tag app-status" + (status ? " app-status--" + status : ""), label("st", doc.st)));
      meta.appendChild(document.createTextNode(" "));
      var facts = element("span", "app-project-list__facts");
      facts.appendChild(element("span", "govuk-visually-hidden", "Services: "));
      facts.appendChild(document.createTextNode((Array.isArray(doc.sv) ? doc.sv : []).map(function (id) {
        return label("sv", id);
      }).join(", ")));
      meta.appendChild(facts);
      li.appendChild(meta);
      var summary = element("p", "govuk-body app-project-list__summary");
      api.highlight(doc.s, hit.terms).forEach(function (piece) {
        summary.appendChild(piece.mark ? element("mark", "app-search-result__match", piece.text) : document.createTextNode(piece.text));
      });
      li.appendChild(summary);
      return li;
    }

    function showMore() {
      var first = null;
      hits.slice(shown, shown + PAGE_SIZE).forEach(function (hit) {
        var node = resultItem(hit);
        first = first || node;
        list.appendChild(node);
      });
      shown = Math.min(hits.length, shown + PAGE_SIZE);
      more.hidden = shown >= hits.length;
      more.textContent = "Show more results (" + (hits.length - shown) + " more)";
      return first;
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
      api.FACETS.forEach(function (facet) {
        var counts = {};
        all.forEach(function (hit) {
          api.valuesOf(store.documents[hit.ref], facet.key).forEach(function (id) {
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

    function show(state, ranked) {
      var all = ranked.filter(function (hit) {
        return Object.prototype.hasOwnProperty.call(store.documents, hit.ref);
      });
      hits = all.filter(function (hit) {
        return api.matchesFacets(store.documents[hit.ref], state.chosen);
      });
      renderFacets(all, state.chosen);
      clear(resultsEl);
      shown = 0;
      if (hits.length === 0) {
        resultsEl.appendChild(noResults(state.q));
        announce("No results for \u201c" + state.q + "\u201d.");
        return;
      }
      list = element("ol", "govuk-list app-project-list app-search-results");
      more = element("button", "govuk-button govuk-button--secondary", "");
      more.type = "button";
      more.addEventListener("click", function () {
        var first = showMore();
        var link = first && first.querySelector("a");
        if (link) {
          link.focus();
        }
      });
      resultsEl.appendChild(list);
      resultsEl.appendChild(more);
      showMore();
      var filtered = all.length !== hits.length ? " (filtered from " + all.length + ")" : "";
      announce((hits.length === 1 ? "1 result" : hits.length + " results") + " for \u201c" + state.q + "\u201d" + filtered + ".");
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
      return Promise.all([loader.indexesFor(words), getJSON(docstoreUrl)]).then(function (loaded) {
        if (mine !== generation) {
          return;  // a newer search has started
        }
        store = loaded[1];
        var ranked = api.rank(words, loaded[0]);
        show(state, ranked);
        if (api.firstResultsMs === undefined && global.performance) {
          api.firstResultsMs = global.performance.now();  // since navigation started
        }
        app.setAttribute("data-search-done", String(generation));
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
    prefetchOnFocus(input, loader, docstoreUrl);
    // For `make bench`: how long ranking a query takes once its index is loaded (milliseconds).
    api.timeQuery = function (text) {
      var words = api.queryWords(text);
      return loader.indexesFor(words).then(function (indexFor) {
        var t0 = global.performance.now();
        var ranked = api.rank(words, indexFor);
        return { ms: global.performance.now() - t0, results: ranked.length };
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
      prefetchOnFocus(box, new Loader(searchDir), searchDir + "documents.json");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})(typeof window !== "undefined" ? window : globalThis);
