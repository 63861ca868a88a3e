// Runs site searches under Node for the Python tests; prints JSON on stdout.
//
//   node tests/node/search_cli.js rank SITE_DIR < {"queries": [...]}
//     search.js's own ranking (as the search page does), loading the index or its shards as the
//     manifest says: {query: [{ref, words, exactWords, score}]}
//   node tests/node/search_cli.js lunr INDEX_JSON < {"queries": [...]}
//     lunr.js 2.3.9's own query parser on one serialised index: {query: [{ref, score}] or {error}}
//   node tests/node/search_cli.js text - < {"texts": [...]}
//     {"version": lunr.version, "words": {text: queryWords(text)}, "stems": {text: stem(text)},
//      "display": {text: displayText(text)}}
"use strict";

const fs = require("fs");
const path = require("path");

global.lunr = require("lunr");
const search = require(path.join(__dirname, "..", "..", "assets", "js", "search.js"));

function readJSON(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function rankAll(siteDir, queries) {
  const searchDir = path.join(siteDir, "search");
  const manifest = readJSON(path.join(searchDir, "manifest.json"));
  const loaded = {};
  function load(rel) {
    const file = path.join(searchDir, rel.split("?")[0]);
    if (!loaded[file]) {
      loaded[file] = lunr.Index.load(readJSON(file));
    }
    return loaded[file];
  }
  function indexFor(word) {
    if (typeof manifest.index === "string") {
      return load(manifest.index);
    }
    const key = search.shardKey(word, manifest.keyLength);
    return Object.prototype.hasOwnProperty.call(manifest.shards, key) ? load(manifest.shards[key]) : null;
  }
  const out = {};
  for (const query of queries) {
    out[query] = search.rank(search.queryWords(query), indexFor).map((hit) => ({
      ref: hit.ref, words: hit.words, exactWords: hit.exactWords, score: Math.round(hit.score * 1e6) / 1e6,
    }));
  }
  return out;
}

function lunrAll(indexFile, queries) {
  const index = lunr.Index.load(readJSON(indexFile));
  const out = {};
  for (const query of queries) {
    try {
      out[query] = index.search(query).map((r) => ({ ref: r.ref, score: r.score }));
    } catch (error) {
      out[query] = { error: error.name };
    }
  }
  return out;
}

function textAll(texts) {
  const words = {};
  const stems = {};
  const display = {};
  for (const text of texts) {
    words[text] = search.queryWords(text);
    stems[text] = search.stem(text);
    display[text] = search.displayText(text);
  }
  return { version: lunr.version, words: words, stems: stems, display: display };
}

const [mode, target] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const result = mode === "rank" ? rankAll(target, input.queries) :
  mode === "lunr" ? lunrAll(target, input.queries) : textAll(input.texts);
process.stdout.write(JSON.stringify(result));
