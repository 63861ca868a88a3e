// Site search: lunr.js 2.3.9 over the index that site_builder/search/ writes (one index, or shards
// cut by size that search.js picks by binary search over the manifest's term ranges).
//
// Every word of a query is searched on its own, never through lunr's query parser, so no text a
// reader types can throw: words are runs of letters and digits (the same split as
// site_builder/search/text.py), and lunr's syntax characters (: ~ ^ + - * " and the rest) never reach
// lunr. For each word:
//   1. its stemmed form, plus the word as typed with a trailing wildcard ("ambul" finds ambulance);
//   2. always, for words of 5 letters or more: the terms one edit away from the word or its stem
//      (found in the term lists, so a typo in the first letters is found too), ranked below 1;
//   3. only if 1 and 2 find nothing: the word with its last letters dropped.
// Step 2 waits (rankExact) while the projects matching every word by 1 fill the results asked for:
// they rank above every typo match, and the term lists and shards of typo matches are large.
// Projects matching more of the words come first, then those matching more of them by 1, then by
// score. Results show fragments (search/fragments/<hash>/<ref>.json) fetched for the results on screen;
// facets come from search/filter.json. Everything is built with DOM APIs and textContent: the data
// is contributors' text.
//
// This file is the search itself (window.catalogueSearch), which also runs under Node for the
// relevance and compatibility tests (tests/node/); search-page.js runs the search page with it.
(function (global) {
  "use strict";

  var WORD_RE = /[\p{L}\p{N}]+(?:['\u2019\-][\p{L}\p{N}]+)*/gu;  // search_text.py: WORD_RE
  var JOINER_RE = /['\u2019\-]/g;
  var POSSESSIVE_RE = /['\u2019]s$/;
  var MAX_WORD_LENGTH = 40;
  var MAX_WORDS = 10;
  var MAX_QUERY_LENGTH = 300;
  var FUZZY_MIN_LENGTH = 5;
  var MIN_FUZZY_TERM = 3;  // search/shards.py: MIN_FUZZY_TERM
  var PREFIX_MIN_LENGTH = 3;
  var TERMS_RE = /^terms\/[0-9a-f]{1,64}\/$/;  // search/shards.py: fuzzy_term_files
  var EXACT_BOOST = 10;
  var PREFIX_BOOST = 3;
  var FUZZY_BOOST = 1;
  var TRUNCATED_BOOST = 1;
  var APPROXIMATE_WEIGHT = 0.5;
  var SCORE_SCALE = 1e9;
  var EXCERPT_CHARS = 240;  // of the description shown when the summary holds no matched word
  var EXCERPT_BEFORE = 60;  // of them before that word
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

  // --- Finding the shards ------------------------------------------------------------------------

  // Which of `shards` ([[first term, last term, path], ...], contiguous ranges in lunr.js order, as
  // search/manifest.json lists them) hold terms in any of `ranges` ([[lo, hi], ...], hi inclusive):
  // their positions, in order. A prefix's range may span two or more adjacent shards.
  function shardsFor(shards, ranges) {
    var picked = {};
    ranges.forEach(function (range) {
      var lo = 0;
      var hi = shards.length;
      while (lo < hi) {  // the first shard whose last term is >= range[0]
        var mid = (lo + hi) >> 1;
        if (shards[mid][1] < range[0]) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      for (var i = lo; i < shards.length && shards[i][0] <= range[1]; i++) {
        picked[i] = true;
      }
    });
    return Object.keys(picked).map(Number).sort(function (a, b) {
      return a - b;
    });
  }

  // Whether `a` and `b` are at most one edit apart: one letter added, dropped, changed, or two
  // neighbours swapped (the edits lunr's editDistance counts).
  function withinOneEdit(a, b) {
    if (Math.abs(a.length - b.length) > 1) {
      return false;
    }
    var i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) {
      i++;
    }
    if (a.length === b.length) {
      return i === a.length || a.slice(i + 1) === b.slice(i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
    }
    return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  // The terms of letters only that typo matching looks through (search/shards.py: fuzzy_term_files).
  function fuzzyListed(term) {
    return term.length >= MIN_FUZZY_TERM && /^\p{L}+$/u.test(term);
  }

  // A source of search data over one index or over shards. `loadIndex(path)` and `loadJSON(path)`
  // give promises of a lunr.Index and of parsed JSON for a path from the manifest. The source has
  // indexes(ranges): a promise of the lunr indexes holding terms in those ranges, and
  // terms(length, firsts, lasts): a promise of the listed terms of that length that begin with one of
  // the letters `firsts` or end with one of `lasts` (some others too: the single index gives them all).
  // Over shards they come from the term lists (search/shards.py: fuzzy_term_files), one per length
  // and first letter and one per length and last letter.
  function makeSource(manifest, loadIndex, loadJSON) {
    if (typeof manifest.index === "string") {
      var whole = loadIndex(manifest.index);
      var byLength = null;
      return {
        indexes: function () {
          return whole.then(function (index) {
            return [index];
          });
        },
        terms: function (length) {
          return whole.then(function (index) {
            if (!byLength) {
              byLength = {};
              Object.keys(index.invertedIndex).filter(fuzzyListed).forEach(function (term) {
                (byLength[term.length] = byLength[term.length] || []).push(term);
              });
            }
            return byLength[length] || [];
          });
        },
      };
    }
    var shards = (Array.isArray(manifest.shards) ? manifest.shards : []).filter(function (row) {
      return Array.isArray(row) && row.length === 3 && row.every(function (x) {
        return typeof x === "string";
      });
    });
    var termLists = (manifest.terms && typeof manifest.terms === "object") ? manifest.terms : {};
    var termDir = typeof termLists.dir === "string" && TERMS_RE.test(termLists.dir) ? termLists.dir : null;
    return {
      indexes: function (ranges) {
        return Promise.all(shardsFor(shards, ranges).map(function (i) {
          return loadIndex(shards[i][2]);
        }));
      },
      terms: function (length, firsts, lasts) {
        var paths = [];
        [["first", firsts], ["last", lasts]].forEach(function (pair) {
          var byLength = own(termLists, pair[0]) ? termLists[pair[0]] : null;
          var listed = own(byLength, String(length)) && typeof byLength[length] === "string" ? byLength[length] : "";
          pair[1].forEach(function (letter) {
            if (termDir && letter && listed.indexOf(letter) !== -1) {
              paths.push(termDir + length + "-" + pair[0] + "-" + letter.codePointAt(0) + ".json");
            }
          });
        });
        return Promise.all(paths.map(loadJSON)).then(function (lists) {
          return [].concat.apply([], lists.map(function (list) {
            return Array.isArray(list) ? list.filter(function (t) {
              return typeof t === "string";
            }) : [];
          }));
        });
      },
    };
  }

  // --- Searching -----------------------------------------------------------------------------------

  function copyClause(clause) {
    var options = {};
    Object.keys(clause[1]).forEach(function (key) {
      options[key] = clause[1][key];
    });
    return options;  // lunr's Query.term changes the options object it is given
  }

  // Runs [[term, options], ...] as one lunr query; [] for no clauses (lunr would match everything).
  function runQuery(index, clauses) {
    if (clauses.length === 0) {
      return [];
    }
    try {
      return index.query(function (q) {
        clauses.forEach(function (clause) {
          q.term(clause[0], copyClause(clause));
        });
      });
    } catch (error) {  // never let one word break the search
      return [];
    }
  }

  // The squared length of the query vector lunr builds for `clauses` over `index`: each term the
  // clauses expand to, weighted by the boosts of the clauses that match it (lunr.Index.query).
  function queryLengthSquared(index, clauses) {
    var lunr = lunrLib();
    var boosts = {};
    var query = new lunr.Query(index.fields);
    clauses.forEach(function (clause) {
      query.term(clause[0], copyClause(clause));
    });
    query.clauses.forEach(function (clause) {
      var terms = clause.usePipeline ? index.pipeline.runString(clause.term, { fields: clause.fields }) : [clause.term];
      terms.forEach(function (term) {
        var one = { term: term, boost: clause.boost, wildcard: clause.wildcard, fields: clause.fields };
        if (clause.editDistance) {
          one.editDistance = clause.editDistance;
        }
        index.tokenSet.intersect(lunr.TokenSet.fromClause(one)).toArray().forEach(function (expanded) {
          boosts[expanded] = (boosts[expanded] || 0) + clause.boost;
        });
      });
    });
    return Object.keys(boosts).reduce(function (sum, term) {
      return sum + boosts[term] * boosts[term];
    }, 0);
  }

  function rounded(score) {
    return Math.round(score * SCORE_SCALE) / SCORE_SCALE;  // the same ranking from one index or shards
  }

  function termsOf(result) {
    return Object.keys((result.matchData && result.matchData.metadata) || {});
  }

  // Scores `clauses` over `indexes` as one index holding all their terms would: [{ref, score, terms}].
  // Each shard's score is its dot product over its query vector's length; with several shards their
  // dot products are added and divided by the whole query vector's length (search/shards.py).
  function scoreOver(indexes, clauses) {
    if (indexes.length === 1) {
      return runQuery(indexes[0], clauses).map(function (result) {
        return { ref: result.ref, score: rounded(result.score), terms: termsOf(result) };
      });
    }
    var total = 0;
    var byRef = {};
    var refs = [];
    indexes.forEach(function (index) {
      var squared = queryLengthSquared(index, clauses);
      if (!squared) {
        return;
      }
      total += squared;
      var length = Math.sqrt(squared);
      runQuery(index, clauses).forEach(function (result) {
        var entry = own(byRef, result.ref) ? byRef[result.ref] : null;
        if (!entry) {
          entry = byRef[result.ref] = { ref: result.ref, dot: 0, terms: [] };
          refs.push(result.ref);
        }
        entry.dot += result.score * length;
        termsOf(result).forEach(function (term) {
          if (entry.terms.indexOf(term) === -1) {
            entry.terms.push(term);
          }
        });
      });
    });
    var norm = Math.sqrt(total);
    return refs.map(function (ref) {
      return { ref: ref, score: rounded(byRef[ref].dot / norm), terms: byRef[ref].terms };
    });
  }

  // The ranges of terms that `clauses` can match ([lo, hi], hi inclusive).
  function clauseRanges(clauses) {
    return clauses.map(function (clause) {
      var term = clause[1].usePipeline ? stem(clause[0]) : clause[0];
      return clause[1].wildcard ? [term, term + "\uffff"] : [term, term];
    });
  }

  // A promise of [{ref, score, terms}] for `clauses`, loading the indexes that hold their terms.
  function runWord(source, clauses) {
    if (clauses.length === 0) {
      return Promise.resolve([]);
    }
    return source.indexes(clauseRanges(clauses)).then(function (indexes) {
      return scoreOver(indexes, clauses);
    });
  }

  function exactClauses(word) {
    var clauses = [[word, { usePipeline: true, boost: EXACT_BOOST }]];
    if (word.length >= PREFIX_MIN_LENGTH) {
      clauses.push([word, { usePipeline: false, wildcard: lunrLib().Query.wildcard.TRAILING, boost: PREFIX_BOOST }]);
    }
    return clauses;
  }

  // A promise of the listed terms one edit from the word or its stem that the exact clauses do not
  // already match (not the stem, nor any term starting with the word).
  function fuzzyTerms(source, word) {
    if (word.length < FUZZY_MIN_LENGTH) {
      return Promise.resolve([]);
    }
    var stemmed = stem(word);
    var targets = stemmed === word ? [word] : [word, stemmed];
    var lengths = [];
    targets.forEach(function (target) {
      [target.length - 1, target.length, target.length + 1].forEach(function (n) {
        if (n >= MIN_FUZZY_TERM && lengths.indexOf(n) === -1) {
          lengths.push(n);
        }
      });
    });
    var firsts = [];
    var lasts = [];
    targets.forEach(function (target) {  // a term one edit away shares its first or its last letter
      var letters = Array.from(target);
      [[firsts, letters[0]], [lasts, letters[letters.length - 1]]].forEach(function (pair) {
        if (pair[0].indexOf(pair[1]) === -1) {
          pair[0].push(pair[1]);
        }
      });
    });
    return Promise.all(lengths.map(function (length) {
      return source.terms(length, firsts, lasts);
    })).then(function (lists) {
      var found = [];
      lists.forEach(function (list) {
        list.forEach(function (term) {
          if (term !== stemmed && term.slice(0, word.length) !== word && found.indexOf(term) === -1 &&
              targets.some(function (target) { return withinOneEdit(term, target); })) {
            found.push(term);
          }
        });
      });
      return found.sort();
    });
  }

  function truncatedClauses(word) {
    var clauses = [];
    for (var n = word.length - 1; n >= Math.max(4, word.length - 4); n--) {
      clauses.push([word.slice(0, n), { usePipeline: false, boost: TRUNCATED_BOOST }]);
    }
    return clauses;
  }

  // Refs are row numbers (search/docstore.py): ties go in reading order.
  function refOrder(a, b) {
    return (Number(a) - Number(b)) || (a < b ? -1 : a > b ? 1 : 0);
  }

  function tagged(hits, exact) {
    return hits.map(function (hit) {
      return { ref: hit.ref, score: hit.score * (exact ? 1 : APPROXIMATE_WEIGHT), exact: exact, terms: hit.terms };
    });
  }

  // A promise of how one word matches: [{ref, score, exact, terms}] (exact: by its stem or as a prefix).
  // Words one edit away (5 letters or more) always count too, below the exact matches; only if
  // neither finds anything, the word with its last letters dropped. `exact` is the promise of
  // runWord(source, exactClauses(word)) if it has been asked for already.
  function searchWord(source, word, exact) {
    exact = exact || runWord(source, exactClauses(word));
    var fuzzy = fuzzyTerms(source, word).then(function (terms) {
      return runWord(source, terms.map(function (term) {
        return [term, { usePipeline: false, boost: FUZZY_BOOST }];
      }));
    });
    return Promise.all([exact, fuzzy]).then(function (found) {
      var seen = {};
      found[0].forEach(function (hit) {
        seen[hit.ref] = true;
      });
      var hits = tagged(found[0], true).concat(tagged(found[1].filter(function (hit) {
        return !own(seen, hit.ref);
      }), false));
      if (hits.length > 0) {
        return hits;
      }
      return runWord(source, truncatedClauses(word)).then(function (truncated) {
        return tagged(truncated, false);
      });
    });
  }

  // The ranking of projects from each word's matches (searchWord): [{ref, score, words, exactWords,
  // terms}] best first: projects matching more of the words, then more of them exactly, then by score.
  function combine(perWord) {
    var byRef = {};
    perWord.forEach(function (hits) {
      hits.forEach(function (hit) {
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
      byRef[ref].score = rounded(byRef[ref].score);
      return byRef[ref];
    }).sort(function (a, b) {
      return (b.words - a.words) || (b.exactWords - a.exactWords) || (b.score - a.score) || refOrder(a.ref, b.ref);
    });
  }

  // A promise of the ranking of projects for `words` over `source` (makeSource):
  // [{ref, score, words, exactWords, terms}] best first.
  function rank(words, source) {
    return Promise.all(words.map(function (word) {
      return searchWord(source, word);
    })).then(combine);
  }

  // A promise of the top of rank(words, source) that needs no typo matching, {hits, complete}: typo
  // matching loads term lists and the shards of the terms it finds, so it waits until the reader
  // needs more results than the exact matches give.
  // * If some word has no exact match: the whole ranking (complete: true).
  // * If no word is long enough for typo matching: the whole ranking too (complete: true).
  // * Else the projects matching every word exactly, in rank's order (complete: false): rank puts them
  //   before every other project (more words matched, then more matched exactly) and typo matches
  //   never change their scores (a word's typo matches leave out its exact matches), so they are the
  //   first hits.length places of the whole ranking.
  function rankExact(words, source) {
    var exact = words.map(function (word) {
      return runWord(source, exactClauses(word));
    });
    return Promise.all(exact).then(function (found) {
      var fuzzy = words.some(function (word) {
        return word.length >= FUZZY_MIN_LENGTH;
      });
      var missing = found.some(function (hits) {
        return hits.length === 0;
      });
      if (!missing && !fuzzy) {
        return { hits: combine(found.map(function (hits) { return tagged(hits, true); })), complete: true };
      }
      var hits = missing ? [] : combine(found.map(function (h) { return tagged(h, true); })).filter(function (entry) {
        return entry.exactWords === words.length;
      });
      if (!missing) {
        return { hits: hits, complete: false };
      }
      return Promise.all(words.map(function (word, i) {
        return searchWord(source, word, exact[i]);
      })).then(function (perWord) {
        return { hits: combine(perWord), complete: true };
      });
    });
  }

  // --- Facets --------------------------------------------------------------------------------------

  var FACETS = [
    { param: "status", key: "st", title: "Status" },
    { param: "service", key: "sv", title: "Services" },
    { param: "theme", key: "th", title: "Themes" },
    { param: "region", key: "rg", title: "Regions" },
  ];
  var FRAGMENTS_RE = /^fragments\/[0-9a-f]{1,64}\/$/;

  // search/filter.json (search/docstore.py) as {rows: {ref: {key: [ids]}}, order: [refs in reading
  // order], labels: {key: {id: label}}, fragments: folder under search/ or null}; a project's ref is
  // its row number, as a string. Anything malformed is left out.
  function readFilter(data) {
    var facets = (data && typeof data.facets === "object" && data.facets) || {};
    var values = (data && typeof data.values === "object" && data.values) || {};
    var count = data && typeof data.projects === "number" ? data.projects : 0;
    var ids = {};
    var labels = {};
    Object.keys(facets).forEach(function (key) {
      ids[key] = [];
      labels[key] = {};
      (Array.isArray(facets[key]) ? facets[key] : []).forEach(function (pair) {
        var ok = Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string";
        ids[key].push(ok ? pair[0] : null);
        if (ok) {
          labels[key][pair[0]] = pair[1];
        }
      });
    });
    var rows = {};
    var order = [];
    for (var number = 0; number < count; number++) {
      var doc = {};
      Object.keys(values).forEach(function (key) {
        var known = own(ids, key) ? ids[key] : [];
        var value = Array.isArray(values[key]) ? values[key][number] : null;
        var positions = [];
        if (typeof value === "number") {  // a bit mask: bit n is the facet's n-th id
          for (var n = 0; n < known.length && value > 0; n++, value = Math.floor(value / 2)) {
            if (value % 2 === 1) {
              positions.push(n);
            }
          }
        } else if (Array.isArray(value)) {
          positions = value;
        }
        doc[key] = positions.map(function (n) {
          return typeof n === "number" && known[n] ? known[n] : null;
        }).filter(Boolean);
      });
      rows[String(number)] = doc;
      order.push(String(number));
    }
    var fragments = data && typeof data.fragments === "string" && FRAGMENTS_RE.test(data.fragments) ? data.fragments : null;
    return { rows: rows, order: order, labels: labels, fragments: fragments };
  }

  // The path under search/ of a project's fragment, or null.
  function fragmentPath(filter, ref) {
    return filter && filter.fragments && own(filter.rows, ref) ? filter.fragments + ref + ".json" : null;
  }

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

  function marked(pieces) {
    return pieces.some(function (piece) {
      return piece.mark;
    });
  }

  // The excerpt a result shows, as highlight() pieces: the summary if it holds a matched word, else
  // about EXCERPT_CHARS of the description around its first matched word, else the summary.
  function excerpt(summary, body, terms) {
    var pieces = highlight(summary, terms);
    if (marked(pieces) || typeof body !== "string") {
      return pieces;
    }
    var inBody = highlight(body, terms);
    var offset = 0;
    for (var i = 0; i < inBody.length && !inBody[i].mark; i++) {
      offset += inBody[i].text.length;
    }
    if (i === inBody.length) {
      return pieces;
    }
    var start = Math.max(0, offset - EXCERPT_BEFORE);
    start = start === 0 ? 0 : body.indexOf(" ", start) + 1 || offset;
    start = Math.min(start, offset);
    var end = Math.min(body.length, start + EXCERPT_CHARS);
    var space = body.lastIndexOf(" ", end);
    end = end === body.length || space <= offset ? end : space;
    return highlight((start > 0 ? "\u2026" : "") + body.slice(start, end) + (end < body.length ? "\u2026" : ""), terms);
  }

  // A site-relative project address from a fragment, or null: no scheme, no leading slash
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
    shardsFor: shardsFor,
    withinOneEdit: withinOneEdit,
    makeSource: makeSource,
    rank: rank,
    rankExact: rankExact,
    readFilter: readFilter,
    fragmentPath: fragmentPath,
    matchesFacets: matchesFacets,
    valuesOf: valuesOf,
    highlight: highlight,
    excerpt: excerpt,
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
