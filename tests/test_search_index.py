"""The search index: what it holds, that lunr.py and lunr.js 2.3.9 read it alike, and its shards."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

import pytest
from lunr.builder import Builder
from lunr.exceptions import QueryParseError

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.runtime.jsonio import json_bytes
from site_builder.search import analysis as search_analysis
from site_builder.search import index as search_index
from site_builder.search import shards as search_shards
from site_builder.search.analysis import BodyTrim, analyse, trimmed
from site_builder.search.builder import FIELDS, TermBuilder, js_order
from site_builder.search.shards import cut_shards, field_rows, group_terms, shard_index
from site_builder.text.words import stem, terms, words
from tests.helpers import make_catalogue
from tests.node.runner import ranked_refs, run_search_cli
from tests.search_support import load_index, shard_indexes, slugs

REPO = Path(__file__).resolve().parents[1]


def project(title: str, summary: str, body: str, lead: str = "kent-fire-and-rescue-service",
            partners: tuple[str, ...] = ("kent-police",), theme: str = "control-rooms") -> str:
    return "\n".join([
        "---", f"title: {json.dumps(title)}", f"summary: {json.dumps(summary)}", "status: operational",
        f"lead: {lead}", "partners:", *[f"  - {p}" for p in partners], "themes:", f"  - {theme}",
        "started: 2012-04", "last_reviewed: 2026-01-15", "---", body, "",
    ])


CATALOGUE: dict[str, str | bytes] = {
    "kent-joint-control-room": project(
        "Kent joint control room", "Kent Fire and Rescue Service moved its control room into Kent Police headquarters.",
        "The fire control room sits beside the police control room. Call handlers share one floor."),
    "merseyside-co-responding": project(
        "Merseyside co-responding", "Firefighters answer cardiac arrest calls for the ambulance service.",
        "Crews trained in defibrillation reach patients first. O'Brien's team led the pilot.",
        lead="merseyside-police", partners=("south-east-coast-ambulance-service",), theme="shared-estates"),
    "kent-shared-headquarters": project(
        "Shared headquarters in Maidstone", "Police and fire share one building.",
        "The estates team sold two old stations. Drones are stored in the new garage.", theme="shared-estates"),
}


def build(root: Path, out: Path) -> Path:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    result = build_site(root, BuildOptions(out=out, use_cache=False))
    assert result.ok, result.report.render()
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_catalogue(tmp_path_factory.mktemp("catalogue"), CATALOGUE)
    return build(root, root / "_site")


def search(site: Path, query: str) -> list[str]:
    """lunr.py's results for ``query`` over the site's single index, as slugs."""
    slug = slugs(site)
    return [slug[int(r["ref"])] for r in load_index((site / "search" / "index.json").read_bytes()).search(query)]


# --- text -----------------------------------------------------------------------------------------

def test_words_split_joined_words_into_parts_and_keep_them_joined_too() -> None:
    assert sorted(words("Co-responding: Kent's O'Brien, ﬁre 2017-18")) == sorted([
        "co", "responding", "coresponding", "kent", "o", "brien", "obrien", "fire", "2017", "18", "201718"])


def test_words_drop_stop_words_and_overlong_tokens_then_stem() -> None:
    assert terms("The ambulances and the " + "x" * 41 + " stations") == ["ambul", "station"]
    assert stem("headquarters") == "headquart"


# --- what the index holds -------------------------------------------------------------------------

def test_the_index_is_compact_sorted_json_that_lunr_py_loads(site: Path) -> None:
    raw = (site / "search" / "index.json").read_bytes()
    data = json.loads(raw)
    assert raw == json_bytes(data)  # the one JSON writer
    assert data["version"] == "2.3.9" and data["pipeline"] == ["stemmer"]
    assert data["fields"] == list(FIELDS)
    terms_in_order = [t for t, _ in data["invertedIndex"]]
    assert terms_in_order == sorted(terms_in_order)
    assert {ref.split("/", 1)[1] for ref, _ in data["fieldVectors"]} == {"0", "1", "2"}  # rows of filter.json
    assert sorted(slugs(site)) == sorted(CATALOGUE)
    assert search(site, "maidstone") == ["kent-shared-headquarters"]


def test_every_field_is_searchable(site: Path) -> None:
    assert search(site, "title:maidstone") == ["kent-shared-headquarters"]
    assert search(site, "summary:defibrillation") == []
    assert search(site, "body:defibrillation") == ["merseyside-co-responding"]
    assert search(site, "orgs:constabulary") == [] and search(site, "orgs:coast") == ["merseyside-co-responding"]
    assert set(search(site, "labels:estates")) == {"merseyside-co-responding", "kent-shared-headquarters"}
    assert set(search(site, "labels:ambulance")) == {"merseyside-co-responding"}
    assert search(site, "body:obrien") == ["merseyside-co-responding"]


def test_the_manifest_points_at_the_index_with_its_hash(site: Path) -> None:
    manifest = json.loads((site / "search" / "manifest.json").read_bytes())
    assert manifest["projects"] == 3
    name, _, version = manifest["index"].partition("?v=")
    assert name == "index.json" and len(version) == 12
    assert not (site / "search" / "shards").exists()


def test_a_title_match_outranks_a_body_match(site: Path) -> None:
    assert search(site, "headquarters")[0] == "kent-shared-headquarters"  # title, not kent-joint's summary


def test_term_builder_weights_match_lunr_py_builder_on_the_same_terms() -> None:
    docs = {
        "a": analyse({"title": "Joint control room", "summary": "Police and fire", "orgs": "Kent Police",
                      "labels": "Control rooms", "factors": "", "body": "The control room control staff"}),
        "b": analyse({"title": "Fleet", "summary": "Shared fleet workshop", "orgs": "Kent Fire",
                      "labels": "Fleet", "factors": "Funding", "body": "Vehicles and fleet and control"}),
    }
    ours = TermBuilder()
    for ref, fields in docs.items():
        ours.add_terms(ref, fields)
    data = ours.serialise(ours.number_terms(), ours.field_vectors_as_lists())

    stock = Builder()
    stock.ref("id")
    for name, boost in FIELDS.items():
        stock.field(name, boost)
    for ref, fields in docs.items():  # lists go through lunr.py's tokenizer untouched; no pipeline
        stock.add({"id": ref, **{name: [t for t, n in ft.counts.items() for _ in range(n)] for name, ft in fields.items()}})
    expected = stock.build().serialize()

    def weights(serialised: dict[str, Any]) -> dict[tuple[str, str], float]:
        term_of = {posting["_index"]: term for term, posting in serialised["invertedIndex"]}
        out = {}
        for field_ref, elements in serialised["fieldVectors"]:
            for i in range(0, len(elements), 2):
                out[(field_ref, term_of[elements[i]])] = elements[i + 1]
        return out

    assert {t: {f: sorted(p[f]) for f in FIELDS} for t, p in data["invertedIndex"]} == \
           {t: {f: sorted(p[f]) for f in FIELDS} for t, p in expected["invertedIndex"]}
    ours_w, stock_w = weights(data), weights(expected)
    assert ours_w.keys() == stock_w.keys()
    for key, value in stock_w.items():
        assert ours_w[key] == pytest.approx(value, rel=5e-3, abs=1e-3), key


def test_the_most_used_terms_get_the_smallest_numbers() -> None:
    builder = TermBuilder()
    for ref, body in (("a", "fire fire rare"), ("b", "fire police"), ("c", "fire police")):
        builder.add_terms(ref, analyse({name: body if name == "body" else "" for name in FIELDS}))
    assert builder.number_terms()[:3] == ["fire", "polic", "rare"]


def test_trimming_keeps_a_bodys_most_distinctive_terms_and_its_full_length() -> None:
    body = analyse({"body": "drone drone police police police fire ambulance zebra"})["body"]
    idf = {"drone": 3.0, "polic": 0.05, "fire": 0.2, "ambul": 0.3}
    kept = trimmed(body, BodyTrim(2, idf, 0.4))
    assert kept.counts == {"drone": 2, "zebra": 1}  # zebra: not in the sample, so rare
    assert kept.length == body.length == 8


def test_a_large_catalogue_keeps_fewer_body_terms_per_project() -> None:
    assert search_analysis.body_terms_per_project(30) > 1000  # the shipped catalogue: whole bodies
    assert search_analysis.body_terms_per_project(1000) == 60
    assert search_analysis.body_terms_per_project(10_000) == search_analysis.MIN_BODY_TERMS


def test_two_builds_write_identical_search_files(tmp_path: Path, site: Path) -> None:
    again = build(make_catalogue(tmp_path / "again", CATALOGUE), tmp_path / "out")
    for name in ("index.json", "manifest.json"):
        assert (again / "search" / name).read_bytes() == (site / "search" / name).read_bytes()


# --- shards ---------------------------------------------------------------------------------------

SMALL_SHARD = 2_000  # bytes: the test catalogue's index cut into several shards


def build_sharded(root: Path, files: dict[str, str | bytes], limit: int) -> Path:
    patch = pytest.MonkeyPatch()
    patch.setattr(search_shards, "SHARD_BYTES", limit)
    try:
        return build(make_catalogue(root, files), root / "_site")
    finally:
        patch.undo()


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sharded(tmp_path_factory.mktemp("sharded"), CATALOGUE, SMALL_SHARD)


CONTR_WORDS = "contract contrast contribution contrary controversy contractor contrition contraption contralto"


def shard_files_of(site: Path) -> list[tuple[str, str, bytes]]:
    """(first term, last term, file content) of each shard the manifest lists, in its order."""
    search_dir = site / "search"
    manifest = json.loads((search_dir / "manifest.json").read_bytes())
    return [(first, last, (search_dir / rel).read_bytes()) for first, last, rel in manifest["shards"]]


def test_a_large_index_is_cut_by_size_into_contiguous_ranges_the_manifest_lists(site: Path, sharded_site: Path) -> None:
    manifest = json.loads((sharded_site / "search" / "manifest.json").read_bytes())
    assert "index" not in manifest and not (sharded_site / "search" / "index.json").exists()
    shards = shard_files_of(sharded_site)
    assert len(shards) > search_index.SHARD_ABOVE
    every: list[str] = []
    for first, last, raw in shards:
        data = json.loads(raw)
        shard_terms = [t for t, _ in data["invertedIndex"]]
        assert shard_terms == sorted(shard_terms, key=js_order) and (first, last) == (shard_terms[0], shard_terms[-1])
        assert len(raw) <= SMALL_SHARD or len(shard_terms) == 1, f"{first}..{last}: {len(raw)} bytes"
        numbers = {p["_index"] for _, p in data["invertedIndex"]}
        assert all(e in numbers for _, el in data["fieldVectors"] for e in el[::2])
        load_index(data)  # lunr.py reads every shard
        every += shard_terms
    assert every == sorted(every, key=js_order) and len(every) == len(set(every))  # contiguous, in order, disjoint
    whole = json.loads((site / "search" / "index.json").read_bytes())
    assert every == [t for t, _ in whole["invertedIndex"]]  # every term, in exactly one shard


def test_shards_are_cut_at_the_size_limit_and_a_huge_term_gets_its_own() -> None:
    builder = TermBuilder()
    for i in range(40):  # "common" in every project; each project has one rare term
        builder.add_terms(f"project-{i:02d}", analyse({n: f"common rare{chr(97 + i % 26)}{i}" if n == "body" else "" for n in FIELDS}))
    numbered = group_terms(builder, cut_shards(builder, 900))
    rows = field_rows(builder)
    sizes = [(shard, len(json_bytes(shard_index(builder, shard, rows)))) for shard in numbered]
    assert ["common"] in [shard for shard, _ in sizes]  # over the limit alone
    assert all(size <= 900 for shard, size in sizes if len(shard) > 1)
    assert max(size for _, size in sizes) > 900  # (the huge one)
    joined = [sorted(shard, key=js_order) for shard, _ in sizes]
    assert all(a[-1] < b[0] for a, b in itertools.pairwise(joined))
    assert len(cut_shards(builder, 10**9)) == 1


def test_a_word_scores_the_same_in_its_shard_as_in_the_whole_index() -> None:
    builder = TermBuilder()
    for ref, body in (("a", "fire control control"), ("b", "fire police"), ("c", "police zebra")):
        builder.add_terms(ref, analyse({name: body if name == "body" else "" for name in FIELDS}))
    shards = shard_indexes(builder, 300)
    whole = builder.serialise(list(builder.inverted_index), builder.field_vectors_as_lists())
    assert len(shards) > 1
    for shard in shards:
        for term, _ in shard["invertedIndex"]:
            a = load_index(whole).search(f"body:{term}")
            b = load_index(shard).search(f"body:{term}")
            assert [(r["ref"], r["score"]) for r in a] == [(r["ref"], r["score"]) for r in b]


@pytest.mark.node
def test_a_prefix_spanning_two_shards_finds_the_projects_of_both(tmp_path: Path) -> None:
    files = {**CATALOGUE, "contr-words": project("Contr words", "Words that start alike.", CONTR_WORDS)}
    site = build(make_catalogue(tmp_path / "whole", files), tmp_path / "whole" / "_site")
    sharded_site = build_sharded(tmp_path / "sharded", files, 750)
    shards = shard_files_of(sharded_site)
    def common(a: str, b: str) -> str:
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return a[:n]

    prefix, before, after = max(((common(a[1], b[0]), a, b) for a, b in itertools.pairwise(shards)), key=lambda x: len(x[0]))
    assert len(prefix) >= 4 and prefix.isalpha(), f"no two neighbouring shards share a prefix: {[s[:2] for s in shards]}"

    slug = slugs(sharded_site)

    def refs_of(raw: bytes, term: str) -> set[str]:
        posting = dict(json.loads(raw)["invertedIndex"])[term]
        return {slug[int(ref)] for name in FIELDS for ref in posting[name]}

    ranked = run_search_cli("rank", sharded_site, {"queries": [prefix]})[prefix]
    found = {hit["ref"] for hit in ranked}
    assert refs_of(before[2], before[1]) <= found and refs_of(after[2], after[0]) <= found
    assert {before[1], after[0]} <= {t for hit in ranked for t in hit["terms"]}
    loaded = run_search_cli("files", sharded_site, {"queries": [prefix]})[prefix]
    assert sum(1 for path in loaded if path.startswith("shards/")) >= 2
    assert ranked_refs(sharded_site, [prefix]) == ranked_refs(site, [prefix])


# --- lunr.js 2.3.9 reads what lunr.py wrote -------------------------------------------------------

COMPAT_QUERIES = ["control room", "kent", "ambul*", "cardiac", "title:maidstone", "cardaic~1", "+fire -police",
                  "headquarters", "co-responding", "drones", "police fire ambulance", "body:obrien"]


@pytest.mark.node
def test_lunr_js_loads_the_index_and_agrees_with_lunr_py(site: Path) -> None:
    index_file = site / "search" / "index.json"
    js = run_search_cli("lunr", index_file, {"queries": COMPAT_QUERIES})
    index = load_index(index_file.read_bytes())
    for query in COMPAT_QUERIES:
        py = [(r["ref"], round(r["score"], 6)) for r in index.search(query)]
        ours = [(r["ref"], round(r["score"], 6)) for r in js[query]]
        assert sorted(ours, key=lambda x: (-x[1], x[0])) == sorted(py, key=lambda x: (-x[1], x[0])), query
    assert any(js[q] for q in COMPAT_QUERIES)


@pytest.mark.node
@pytest.mark.parametrize("query", ["title:", "fire~", "+-^", "a:b:c", '"unclosed', "*", "~1"])
def test_lunrs_own_parser_rejects_syntax_queries_that_search_js_accepts(site: Path, query: str) -> None:
    index_file = site / "search" / "index.json"
    js = run_search_cli("lunr", index_file, {"queries": [query]})[query]
    try:
        py: Any = load_index(index_file.read_bytes()).search(query)
    except QueryParseError:
        py = {"error": "QueryParseError"}
    if isinstance(py, dict):  # lunr raises on this one: both implementations agree
        assert js == {"error": "QueryParseError"}
    ranked = ranked_refs(site, [query])[query]  # search.js never hands text to lunr's parser
    assert isinstance(ranked, list)


@pytest.mark.node
def test_lunr_js_stems_every_word_of_the_shipped_content_as_lunr_py_does() -> None:
    sample = sorted({w for path in sorted((REPO / "content" / "projects").glob("*.md"))
                     for w in words(path.read_text(encoding="utf-8"))})
    sample += ["ambulances", "co-responding", "headquarters", "generalization", "staffordshire", "hopefulness"]
    out = run_search_cli("text", "-", {"texts": sample})
    assert out["version"] == "2.3.9"  # the version in package-lock.json
    assert {w: out["stems"][w] for w in sample} == {w: stem(w) for w in sample}


@pytest.mark.node
def test_search_js_splits_a_query_as_the_index_splits_text() -> None:
    texts = ["Co-responding in Kent's control rooms", "ﬁre, AMBULANCE & police!", "title: fire~ +-^ a:b:c",
             "O'Brien 2017-18 naïve café"]
    out = run_search_cli("text", "-", {"texts": texts})["words"]
    for text in texts:
        indexed = set(words(text))
        assert out[text] and set(out[text]) <= indexed, text
    assert out["Co-responding in Kent's control rooms"] == ["coresponding", "kent", "control", "rooms"]


@pytest.mark.node
def test_shards_rank_every_query_as_the_single_index_does(site: Path, sharded_site: Path) -> None:
    queries = ["control room", "kent police", "ambul", "cardaic arrest", "co-resp", "drone", "o'brien maidstone", "zebra"]
    assert ranked_refs(sharded_site, queries) == ranked_refs(site, queries)



# --- search.js ranking ----------------------------------------------------------------------------

@pytest.mark.node
def test_search_js_finds_prefixes_and_misspellings_and_ranks_exact_matches_first(site: Path) -> None:
    ranked = run_search_cli("rank", site, {"queries": ["ambul", "co-resp", "maidstome", "maidstone contrl", "zzzz"]})
    assert [h["ref"] for h in ranked["ambul"]] == ["merseyside-co-responding"]
    assert [h["ref"] for h in ranked["co-resp"]] == ["merseyside-co-responding"]
    assert [(h["ref"], h["exactWords"]) for h in ranked["maidstome"]] == [("kent-shared-headquarters", 0)]
    # both match one word; "maidstone" exactly beats "contrl" (control) approximately
    assert [(h["ref"], h["words"], h["exactWords"]) for h in ranked["maidstone contrl"]][:2] == [
        ("kent-shared-headquarters", 1, 1), ("kent-joint-control-room", 1, 0)]
    assert ranked["zzzz"] == []


@pytest.mark.node
def test_search_js_ranks_projects_matching_every_word_first(site: Path) -> None:
    hits = run_search_cli("rank", site, {"queries": ["police drones"]})["police drones"]
    assert hits[0]["ref"] == "kent-shared-headquarters" and hits[0]["words"] == 2
    assert all(h["words"] == 1 for h in hits[1:])


def test_an_empty_catalogue_gets_an_empty_index_that_loads() -> None:
    files = search_index.search_files([])
    assert load_index(files[search_index.INDEX_PATH]).search("fire") == []
    assert json.loads(files[search_index.MANIFEST_PATH])["projects"] == 0


def test_shards_built_from_postings_equal_shards_cut_from_the_whole_index() -> None:
    def builder() -> TermBuilder:
        made = TermBuilder()
        for ref, body, title in (("a", "fire control control", "Control room"), ("b", "fire police", "Fleet"),
                                 ("c", "police zebra coast", "Coast watch")):
            made.add_terms(ref, analyse({n: body if n == "body" else title if n == "title" else "" for n in FIELDS}))
        return made

    cut = shard_indexes(builder(), 400)
    built = builder()
    terms = group_terms(built, cut_shards(built, 400))
    rows = field_rows(built)
    assert len(cut) == len(terms) > 1
    for shard_terms, shard in zip(terms, cut, strict=True):
        ours = shard_index(built, shard_terms, rows)
        assert ours["invertedIndex"] == shard["invertedIndex"]
        assert dict(map(tuple, ours["fieldVectors"])) == dict(map(tuple, shard["fieldVectors"]))


@pytest.mark.node
def test_search_js_shows_a_query_back_without_control_or_text_direction_characters() -> None:
    texts = ["fire\u202eecilop\u202c station", "a\u2066b\u2069c\u200fd\u061ce", "line\nbreak\ttab\x00nul\x85nel\u2028ls",
             "zero\u200bwidth\ufeffbom", "  plain   words  ", "x" * 400, "café naïve 消防"]
    out = run_search_cli("text", "-", {"texts": texts})["display"]
    assert out == {
        texts[0]: "fireecilop station",
        texts[1]: "abcde",
        texts[2]: "line break tab nul nel ls",
        texts[3]: "zerowidthbom",
        texts[4]: "plain words",
        texts[5]: "x" * 300,
        texts[6]: "café naïve 消防",
    }


# --- typo tolerance --------------------------------------------------------------------------------

TYPO_CATALOGUE: dict[str, str | bytes] = {
    "control-room": project("Control room", "Call handlers share one control room.", "The control room opened in 2012."),
    "kontrol-software": project("Kontrol software", "A dispatch system called Kontrol.", "Kontrol replaced paper cards.",
                                theme="shared-estates"),
    "fleet-workshop": project("Fleet workshop", "Police and fire share a fleet workshop.", "Vans are serviced here.",
                              theme="shared-estates"),
}


@pytest.fixture(scope="module")
def typo_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The typo catalogue as one index and as shards (control and kontrol in different shards)."""
    root = tmp_path_factory.mktemp("typo")
    whole = build(make_catalogue(root / "whole", TYPO_CATALOGUE), root / "whole" / "_site")
    return whole, build_sharded(root / "sharded", TYPO_CATALOGUE, 1_000)


@pytest.mark.node
def test_a_word_finds_its_one_edit_variants_always_but_below_its_exact_matches(typo_sites: tuple[Path, Path]) -> None:
    for site in typo_sites:
        hits = run_search_cli("rank", site, {"queries": ["control"]})["control"]
        # "kontrol" differs in the first letter; found although "control" has exact matches
        assert [(h["ref"], h["exactWords"]) for h in hits] == [("control-room", 1), ("kontrol-software", 0)], site
        assert "kontrol" in hits[1]["terms"] and hits[0]["score"] > hits[1]["score"]
    assert ranked_refs(typo_sites[1], ["control", "kontrol"]) == ranked_refs(typo_sites[0], ["control", "kontrol"])


@pytest.mark.node
def test_a_typo_in_the_first_letter_finds_the_word_ranked_below_exact_matches_for_another(typo_sites: tuple[Path, Path]) -> None:
    queries = ["xontrol", "xontrol fleet", "ckntrol", "flete"]
    for site in typo_sites:
        ranked = run_search_cli("rank", site, {"queries": queries})
        assert {h["ref"] for h in ranked["xontrol"]} == {"control-room", "kontrol-software"}
        assert all(h["exactWords"] == 0 for h in ranked["xontrol"])
        first = ranked["xontrol fleet"][0]
        assert (first["ref"], first["exactWords"]) == ("fleet-workshop", 1)
        assert {h["ref"] for h in ranked["xontrol fleet"][1:]} == {"control-room", "kontrol-software"}
        assert [h["ref"] for h in ranked["ckntrol"]] == ["control-room"]  # the second letter (kontrol: two edits)
        assert [h["ref"] for h in ranked["flete"]] == ["fleet-workshop"]  # two letters swapped
    assert ranked_refs(typo_sites[1], queries) == ranked_refs(typo_sites[0], queries)


@pytest.mark.node
def test_a_typo_loads_the_term_lists_of_its_lengths_and_only_the_shards_of_its_candidates(typo_sites: tuple[Path, Path]) -> None:
    sharded = typo_sites[1]
    shards = shard_files_of(sharded)
    manifest = json.loads((sharded / "search" / "manifest.json").read_bytes())
    path_of = {first: rel for (first, _, _), (_, _, rel) in zip(shards, manifest["shards"], strict=True)}

    def holding(term: str) -> set[str]:
        """Shards whose range holds ``term`` (or, for a missing term, would)."""
        return {path_of[first] for first, last, _ in shards if first <= term <= last}

    def prefix_range(word: str) -> set[str]:
        return {path_of[first] for first, last, _ in shards if first <= word + "\uffff" and last >= word}

    def terms_in(rel: str) -> set[str]:
        return {t for t, _ in json.loads((sharded / "search" / rel).read_bytes())["invertedIndex"]}

    loaded = run_search_cli("files", sharded, {"queries": ["xontrol"]})["xontrol"]
    lists = manifest["terms"]
    expected = {f"{lists['dir']}{n}-{end}-{ord(letter)}.json" for n in ("6", "7", "8")
                for end, letter in (("first", "x"), ("last", "l")) if letter in lists[end].get(n, "")}
    assert f"{lists['dir']}7-last-{ord('l')}.json" in expected  # control, kontrol
    assert {p for p in loaded if p.startswith("terms/")} == expected  # only the lists of its letters
    shard_paths = {p for p in loaded if p.startswith("shards/")}
    candidates = holding("control") | holding("kontrol")
    assert candidates <= shard_paths <= candidates | holding("xontrol") | prefix_range("xontrol")
    assert len(shard_paths) < len(shards)
    assert "control" in set().union(*(terms_in(p) for p in shard_paths))
    assert not [p for p in loaded if not p.startswith(("terms/", "shards/"))]  # nothing else (no whole-catalogue file)


@pytest.mark.node
def test_the_exact_ranking_is_the_top_of_the_whole_ranking_and_loads_no_typo_data(site: Path, sharded_site: Path,
                                                                                   typo_sites: tuple[Path, Path]) -> None:
    queries = ["control", "control room", "kent police", "fleet", "police", "drone", "xontrol", "xontrol fleet",
               "maidstone contrl", "headquarters", "cardaic arrest", "zzzzzz", "kent"]
    for each in (site, sharded_site, *typo_sites):
        exact = run_search_cli("exact", each, {"queries": queries})
        whole = ranked_refs(each, queries)
        for query in queries:
            found = exact[query]
            if found["complete"]:
                assert found["refs"] == whole[query], (each, query)
            else:  # every word matched exactly: those projects, in their places, and no typo matching yet
                assert found["refs"] and found["refs"] == whole[query][:len(found["refs"])], (each, query)
                assert not [p for p in found["files"] if p.startswith("terms/")], (each, query)
    typo = run_search_cli("exact", typo_sites[1], {"queries": ["control", "xontrol", "xontrol fleet", "kent"]})
    assert typo["control"]["refs"] == ["control-room"] and not typo["control"]["complete"]  # kontrol-software: later
    assert typo["xontrol"]["complete"] and set(typo["xontrol"]["refs"]) == {"control-room", "kontrol-software"}
    assert typo["xontrol fleet"]["complete"] and typo["xontrol fleet"]["refs"][0] == "fleet-workshop"
    assert typo["kent"]["complete"]  # too short for typo matching: nothing left to load
    assert any(p.startswith("terms/") for p in typo["xontrol"]["files"])
