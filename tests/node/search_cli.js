// Runs site searches under Node for the Python tests; prints JSON on stdout.
//
//   node tests/node/search_cli.js rank SITE_DIR < {"queries": [...]}
//     search.js's own ranking (as the search page does), loading the index or its shards as the
//     manifest says: {query: [{ref, words, exactWords, score, terms}]}, each ref a project's slug
//   node tests/node/search_cli.js files SITE_DIR < {"queries": [...]}
//     the files under search/ that ranking each query loads: {query: [path]}
//   node tests/node/search_cli.js exact SITE_DIR < {"queries": [...]}
//     rankExact, the ranking before typo matching: {query: {refs: [slug], complete, files: [path]}}
//   node tests/node/search_cli.js filter - < {filter.json's content}
//     search.js's reading of it (readFilter): {rows: {ref: {key: [ids]}}, order, labels, fragments}
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

// search.js's source (makeSource) over a built site's search/ folder, every file read from disk
// (counted in `loaded`, by path under search/).
function siteSource(siteDir, loaded) {
  const searchDir = path.join(siteDir, "search");
  const manifest = readJSON(path.join(searchDir, "manifest.json"));
  const indexes = {};
  function loadJSON(rel) {
    const name = rel.split("?")[0];
    loaded[name] = (loaded[name] || 0) + 1;
    return Promise.resolve(readJSON(path.join(searchDir, name)));
  }
  function loadIndex(rel) {
    if (!indexes[rel]) {
      indexes[rel] = loadJSON(rel).then((data) => lunr.Index.load(data));
    }
    return indexes[rel];
  }
  return search.makeSource(manifest, loadIndex, loadJSON);
}

// A project's slug from its ref (row number), read from its fragment's address "projects/<slug>/".
function slugOf(siteDir) {
  const filter = search.readFilter(readJSON(path.join(siteDir, "search", "filter.json")));
  return (ref) => {
    const rel = search.fragmentPath(filter, ref);
    return rel ? readJSON(path.join(siteDir, "search", rel)).u.split("/")[1] : "?" + ref;
  };
}

// Each query ranked by `rank` on the site's own files: {query: describe(result, slug, the paths it loaded)}.
async function perQuery(siteDir, queries, rank, describe) {
  const out = {};
  const slug = slugOf(siteDir);
  for (const query of queries) {
    const loaded = {};
    const ranked = await rank(search.queryWords(query), siteSource(siteDir, loaded));
    out[query] = describe(ranked, slug, Object.keys(loaded).sort());
  }
  return out;
}

function rankAll(siteDir, queries) {
  return perQuery(siteDir, queries, search.rank, (ranked, slug) => ranked.map((hit) => ({
    ref: slug(hit.ref), words: hit.words, exactWords: hit.exactWords, score: Math.round(hit.score * 1e6) / 1e6, terms: hit.terms.sort(),
  })));
}

// Which files under search/ each query loads: {query: [paths]}.
function filesAll(siteDir, queries) {
  return perQuery(siteDir, queries, search.rank, (ranked, slug, files) => files);
}

// rankExact for each query: the slugs it ranks, whether that is the whole ranking, the files it loaded.
function exactAll(siteDir, queries) {
  return perQuery(siteDir, queries, search.rankExact, (ranked, slug, files) => (
    { refs: ranked.hits.map((hit) => slug(hit.ref)), complete: ranked.complete, files }));
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
Promise.resolve(mode === "rank" ? rankAll(target, input.queries) : mode === "files" ? filesAll(target, input.queries) :
  mode === "exact" ? exactAll(target, input.queries) :
  mode === "filter" ? search.readFilter(input) :
  mode === "lunr" ? lunrAll(target, input.queries) : textAll(input.texts)).then((result) => {
  process.stdout.write(JSON.stringify(result));
}, (error) => {
  process.stderr.write(String((error && error.stack) || error));
  process.exitCode = 1;
});
