"""The search index's caches (search/analysis.py, search/index.py) and its fast shards (search/postings.py):
the same bytes warm, cold and without the cache; only changed projects analysed again; nothing read
or written with --no-cache; a forged cache ignored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.search import analysis as search_analysis
from site_builder.search import index as search_index
from site_builder.search import postings as search_postings
from site_builder.search import shards as search_shards
from site_builder.search.analysis import analyse
from site_builder.search.builder import FIELDS, FieldTerms, js_order
from site_builder.search.index import term_builder
from site_builder.search.postings import Postings, shard_files
from site_builder.text.memo_store import MemoStore
from tests.helpers import make_catalogue
from tests.search_support import slugs

SMALL_SHARD = 2_000  # bytes: the test catalogue's index cut into several shards


def project(title: str, summary: str, body: str) -> str:
    return "\n".join([
        "---", f"title: {json.dumps(title)}", f"summary: {json.dumps(summary)}", "status: operational",
        "lead: kent-fire-and-rescue-service", "partners:", "  - kent-police", "themes:", "  - control-rooms",
        "started: 2012-04", "last_reviewed: 2026-01-15", "---", body, "",
    ])


CATALOGUE: dict[str, str | bytes] = {
    "control-room": project("Kent joint control room", "Fire and police share one control room.",
                            "Call handlers share one floor. The fire control room sits beside the police one."),
    "co-responding": project("Merseyside co-responding", "Firefighters answer cardiac arrest calls.",
                             "Crews trained in defibrillation reach patients first. The pilot ran for a year."),
    "headquarters": project("Shared headquarters", "Police and fire share one building in Maidstone.",
                            "The estates team sold two old stations. Drones are stored in the new garage."),
    "fleet": project("Fleet workshop", "One workshop services police cars and fire engines.",
                     "Mechanics trained on both fleets. Vans are serviced at night."),
}
EDITED = "content/projects/fleet.md"


@pytest.fixture(autouse=True)
def sharded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every build here writes shards (the path of large catalogues), not one index.json."""
    monkeypatch.setattr(search_shards, "SHARD_BYTES", SMALL_SHARD)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def build(root: Path, use_cache: bool = True) -> dict[str, bytes]:
    """Build ``root`` into ``root/_site``; its search files, by path."""
    result = build_site(root, BuildOptions(out=root / "_site", use_cache=use_cache, jobs=1))
    assert result.ok, result.report.render()
    folder = root / "_site" / "search"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.json"))}


def edit(root: Path, text: str = "Mechanics trained on both fleets and on drones.") -> None:
    path = root / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("Mechanics trained on both fleets.", text), encoding="utf-8")


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Count the calls of analysis.<name> (the builds here run on one job, in this process)."""
    calls: list[int] = []
    real = getattr(search_analysis, name)

    def counted(*args: object) -> object:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(search_analysis, name, counted)
    return calls


def test_cold_warm_and_no_cache_builds_write_the_same_search_files(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "site", CATALOGUE)
    cold = build(root)
    assert any(path.startswith("shards/") for path in cold)
    assert (root / ".cache" / "search.pickle").is_file() and (root / ".cache" / "search-files.pickle").is_file()
    assert build(root) == cold
    assert build(make_catalogue(tmp_path / "plain", CATALOGUE), use_cache=False) == cold
    edit(root)
    warm_edited = build(root)
    plain = make_catalogue(tmp_path / "plain-edited", CATALOGUE)
    edit(plain)
    assert warm_edited == build(plain, use_cache=False) != cold


def test_a_rebuild_analyses_only_the_project_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalogue(tmp_path / "site", CATALOGUE)
    analysed, trims = count_calls(monkeypatch, "analyse"), count_calls(monkeypatch, "trimmed")
    build(root)
    assert (len(analysed), len(trims)) == (len(CATALOGUE), len(CATALOGUE))
    analysed.clear()
    trims.clear()
    build(root)
    assert (analysed, trims) == ([], [])  # nothing changed: the files are reused
    path = root / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("Fleet workshop", "Fleet garage"), encoding="utf-8")
    build(root)
    assert (len(analysed), len(trims)) == (1, 1)  # a new title: its body's trim stays valid for the others
    analysed.clear()
    trims.clear()
    edit(root)
    build(root)
    # a new body changes the terms sampled to weigh bodies ("drone" is in two now): the bodies holding a
    # term whose weight moved are trimmed again, the edited one and "headquarters" (drones), no other
    assert (len(analysed), len(trims)) == (1, 2)


def test_unchanged_inputs_reuse_the_files_without_building_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalogue(tmp_path / "site", CATALOGUE)
    first = build(root)

    def never(*args: object) -> dict[str, bytes]:
        raise AssertionError("the index was built again")

    monkeypatch.setattr(search_index, "_search_files", never)
    assert build(root) == first
    edit(root)
    with pytest.raises(AssertionError, match="built again"):
        build(root)


def plant(root: Path) -> bytes:
    """Replace every value in the signed store of index files with nonsense (as this user's tool could
    write it: the signature is valid); the file's new bytes."""
    store = MemoStore.open(root, search_index.FILES_CACHE_NAME, search_analysis.code_version())
    assert store is not None
    for key in list(store._old):
        store.put(key, {"search/manifest.json": b"planted\n"})
    assert store.save()
    return (root / ".cache" / f"{search_index.FILES_CACHE_NAME}.pickle").read_bytes()


def test_no_cache_neither_reads_nor_writes_the_search_caches(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "site", CATALOGUE)
    reference = build(root)
    planted = plant(root)
    assert build(root, use_cache=False) == reference  # not read
    assert (root / ".cache" / "search-files.pickle").read_bytes() == planted  # nor written
    assert build(root)["manifest.json"] == b"planted\n"  # (what the cache would have given)
    fresh = make_catalogue(tmp_path / "fresh", CATALOGUE)
    build(fresh, use_cache=False)
    assert not list(fresh.glob(".cache/search*"))


def test_a_forged_or_damaged_cache_is_ignored(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "site", CATALOGUE)
    reference = build(root)
    for name in ("search", "search-files"):
        path = root / ".cache" / f"{name}.pickle"
        signature, _, body = path.read_bytes().partition(b"\n")
        path.write_bytes(signature + b"\n" + body[:-1] + bytes([body[-1] ^ 1]))  # one bit changed
    assert build(root) == reference
    for name in ("search", "search-files"):
        (root / ".cache" / f"{name}.pickle").write_bytes(b"0" * 64 + b"\n" + b"not a pickle")  # unsigned
    edit(root)
    plain = make_catalogue(tmp_path / "plain", CATALOGUE)
    edit(plain)
    assert build(root) == build(plain, use_cache=False)


# --- the fast shards ------------------------------------------------------------------------------

def analysed_catalogue() -> list[dict[str, FieldTerms]]:
    """30 projects with "fire" (a huge term at the limits below) and one word of their own, then the
    terms that "fire" begins, then a few others."""
    bodies = [f"fire word{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(30)]
    bodies += ["fireman firefighting firewall", "police fleet coast station"]
    return [analyse({n: body if n == "body" else f"title {i}" if n == "title" else "" for n in FIELDS})
            for i, body in enumerate(bodies)]


def test_the_fast_shards_are_the_bytes_shards_py_makes() -> None:
    analysed = analysed_catalogue()
    postings, builder = Postings(analysed), term_builder(analysed)
    for limit in (300, 1_000, 10**6):
        cut = postings.cut(limit)
        assert cut == search_shards.cut_shards(builder, limit)
        assert shard_files(postings, 1, cut)[:2] == search_shards.shard_files(builder, 1, cut)


def test_a_huge_term_and_then_its_prefix_range_get_shards_of_their_own() -> None:
    cut = Postings(analysed_catalogue()).cut(1_000)
    fire = cut.index(["fire"])
    assert cut[fire + 1] == sorted(["firefight", "fireman", "firewal"], key=js_order)  # every term starting "fire"
    assert cut[fire + 2] == ["fleet", "polic", "station"]  # then cut by size again (before "titl", another huge term)


def test_a_term_one_edit_from_a_word_is_in_the_list_of_the_words_first_or_last_letter() -> None:
    terms = ["control", "kontrol", "contro", "controls", "ocntrol", "contrl", "xontrol", "controx", "police", "polic"]
    files, entry = search_shards.fuzzy_term_files(terms)

    def listed(word: str, length: int) -> set[str]:
        found: set[str] = set()
        for end, letter in (("first", word[0]), ("last", word[-1])):
            path = f"search/{entry['dir']}{length}-{end}-{ord(letter)}.json"
            if letter in entry[end].get(str(length), ""):
                found |= set(json.loads(files[path]))
        return found

    word = "control"
    for term in terms[:8]:  # each one edit from "control": a letter changed, dropped, added or two swapped
        assert term in listed(word, len(term)), term
    assert "police" not in listed(word, 6)  # neither begins with c nor ends with l
    assert sum(len(json.loads(content)) for content in files.values()) == 2 * len(terms)  # each term twice


def test_an_edit_remakes_only_the_shards_holding_the_terms_it_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    repriced: list[list[str]] = []
    real, real_repriced = search_postings._build_shard, Postings.repriced

    def counted(number: int) -> object:
        made.append(number)
        return real(number)

    def counted_repriced(self: Postings, content: bytes, terms: list[str], *args: Any) -> bytes | None:
        repriced.append(sorted(terms, key=js_order))
        return real_repriced(self, content, terms, *args)

    monkeypatch.setattr(search_postings, "_build_shard", counted)
    monkeypatch.setattr(Postings, "repriced", counted_repriced)
    root = make_catalogue(tmp_path / "site", CATALOGUE)
    cold = build(root)
    shards = [path for path in cold if path.startswith("shards/")]
    assert len(made) == len(shards) > 4 and not repriced
    made.clear()
    # a body's word for another (its length, so every project's BM25 norm, unchanged): the shards holding
    # the edited body's terms are made again (those whose terms or postings changed) or weighed again
    # (the others, in place), the others kept
    edit(root, "Mechanics trained on both zebras.")
    edited = build(root)
    made_again, weighed_again = list(made), list(repriced)
    plain = make_catalogue(tmp_path / "plain", CATALOGUE)
    edit(plain, "Mechanics trained on both zebras.")
    assert edited == build(plain, use_cache=False)
    paths = sorted((path for path in edited if path.startswith("shards/")), key=lambda p: int(p.rsplit("/", 1)[1][:-5]))
    terms = [sorted((term for term, _ in json.loads(edited[path])["invertedIndex"]), key=js_order) for path in paths]
    remade = sorted(made_again) + sorted(terms.index(shard) for shard in weighed_again)
    ref = slugs(root / "_site").index("fleet")
    holding = [i for i, path in enumerate(paths)
               if any(str(ref) in posting["body"] for _, posting in json.loads(edited[path])["invertedIndex"])]
    changed = [i for i, path in enumerate(paths) if edited[path] not in set(cold.values())]
    assert made_again and weighed_again and set(made_again).isdisjoint(terms.index(shard) for shard in weighed_again)
    assert changed and set(changed) <= set(remade) == set(holding) and len(remade) < len(paths), (remade, holding, changed)
