"""The sharded index's state kept between builds (search/state.py): an index made from the last build's
state and the projects changed since is, byte for byte, the index made from nothing; a state that does
not fit (another catalogue size, another shape, a content missing) is not used."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from site_builder.search import analysis as search_analysis
from site_builder.search import index as search_index
from site_builder.search import shards as search_shards
from site_builder.search import state as index_state
from site_builder.search.analysis import analyse, code_version
from site_builder.search.builder import FIELDS, js_order
from site_builder.search.postings import Postings
from site_builder.text.memo_store import MemoStore

Sources = list[dict[str, list[str]]]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po"]
WORDS = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in ("", "ra", "mo")][:240]
COMMON = ["fire", "firefight", "fireman", "firewall", "police", "ambulance"]  # "fire" in every body: a huge term


@pytest.fixture(autouse=True)
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many small shards, and a sample of every 4th body weighing the trim (so most body edits keep it)."""
    monkeypatch.setattr(search_shards, "SHARD_BYTES", 1_500)
    monkeypatch.setattr(search_analysis, "IDF_SAMPLE", 10)


@pytest.fixture
def uses() -> Iterator[list[bool]]:
    """Whether each build's index was made from the kept state (True) or whole (False, after trying)."""
    made: list[bool] = []
    real = index_state.updated

    def counted(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        made.append(result is not None)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_state, "updated", counted)
        yield made


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def project(rng: random.Random, number: int) -> dict[str, list[str]]:
    body = f"<p>fire {words(rng, rng.randint(5, 40))} {rng.choice(COMMON)}</p><p>{words(rng, rng.randint(0, 12))}</p>"
    return {"title": [f"Project {words(rng, 2)} {number}"], "summary": [words(rng, 6)], "orgs": [rng.choice(WORDS), "Kent Police"],
            "labels": [rng.choice(WORDS) for _ in range(rng.randint(0, 3))], "factors": [words(rng, 1)],
            "body": [body, *(words(rng, 4) for _ in range(rng.randint(0, 2)))]}


def catalogue(count: int, seed: int = 1) -> Sources:
    rng = random.Random(seed)
    return [project(rng, i) for i in range(count)]


def edited(rng: random.Random, sources: Sources, earlier: Sources) -> Sources:
    """``sources`` after one random kind of change."""
    out = [dict(s) for s in sources]
    i = rng.randrange(len(out))
    kind = rng.choice(["append", "replace", "drop", "title", "labels", "swap", "several", "revert", "common"])
    body = out[i]["body"]
    if kind == "append":
        out[i]["body"] = [body[0] + f"<p>{words(rng, 3)} novelword{rng.randrange(10**6)}</p>", *body[1:]]
    elif kind == "replace":
        out[i]["body"] = [f"<p>fire {words(rng, rng.randint(3, 50))}</p>", *body[1:]]
    elif kind == "drop":
        out[i]["body"] = ["<p>fire</p>"]
    elif kind == "title":
        out[i]["title"] = [f"Renamed {words(rng, 3)}"]
    elif kind == "labels":
        out[i]["labels"] = [rng.choice(WORDS)]
    elif kind == "swap":  # a title edit that moves a project in reading order
        j = rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    elif kind == "several":
        for j in rng.sample(range(len(out)), 4):
            out[j] = project(rng, j)
    elif kind == "revert":
        out[i] = dict(earlier[i])
    else:  # a new word in many bodies at once
        for j in range(0, len(out), 3):
            out[j]["body"] = [out[j]["body"][0] + "<p>firestation</p>", *out[j]["body"][1:]]
    return out


def made_whole(sources: Sources) -> dict[str, bytes]:
    return search_index.sources_files(sources, 1, None)


def test_an_index_made_from_the_kept_state_is_the_index_made_whole(tmp_path: Path, uses: list[bool]) -> None:
    rng = random.Random(7)
    first = catalogue(60)
    sources = first
    assert search_index.sources_files(sources, 1, tmp_path) == made_whole(sources)
    assert any(path.startswith("search/shards/") for path in made_whole(sources))
    for _ in range(30):
        sources = edited(rng, sources, first)
        assert search_index.sources_files(sources, 1, tmp_path) == made_whole(sources)
    assert uses.count(True) >= 10, uses  # many edits were made from the state (others moved an average length)


def test_an_edit_to_one_project_analyses_only_it_and_leaves_the_analysis_cache_unread(
        tmp_path: Path, uses: list[bool], monkeypatch: pytest.MonkeyPatch) -> None:
    sources = catalogue(60)
    search_index.sources_files(sources, 1, tmp_path)
    opened: list[str] = []
    analysed: list[int] = []
    real_open, real_analyse = MemoStore.open.__func__, search_analysis.analyse  # type: ignore[attr-defined]

    def recording_open(cls: type[MemoStore], root: Path, name: str, version: str) -> MemoStore | None:
        opened.append(name)
        return real_open(cls, root, name, version)  # type: ignore[no-any-return]

    def counted(texts: Mapping[str, str]) -> object:
        analysed.append(1)
        return real_analyse(texts)

    monkeypatch.setattr(MemoStore, "open", classmethod(recording_open))
    monkeypatch.setattr(search_analysis, "analyse", counted)
    edited_sources = [dict(s) for s in sources]
    edited_sources[5]["body"] = [edited_sources[5]["body"][0] + "<p>One more sentence 1764547200.</p>"]  # 5: not sampled
    assert search_index.sources_files(edited_sources, 1, tmp_path) == made_whole(edited_sources)
    assert uses == [True] and opened == [search_index.FILES_CACHE_NAME] and len(analysed) == 1 + len(sources)  # (made whole: all)


def kept_store(root: Path) -> MemoStore:
    store = MemoStore.open(root, search_index.FILES_CACHE_NAME, code_version())
    assert store is not None
    return store


def test_a_state_that_does_not_fit_is_not_used(tmp_path: Path, uses: list[bool]) -> None:
    sources = catalogue(60)
    search_index.sources_files(sources, 1, tmp_path)
    state = index_state.loaded(kept_store(tmp_path))
    assert state is not None and state.projects == 60 and len(state.shards) > search_index.SHARD_ABOVE
    more = [*sources, *catalogue(1, seed=9)]  # another number of projects: every ref's weights differ
    assert search_index.sources_files(more, 1, tmp_path) == made_whole(more)
    assert uses == []  # not even tried

    def planted(value: object) -> None:
        store = kept_store(tmp_path)
        for key in list(store._old):
            if key != index_state.STATE_ENTRY:
                store.get(key)
        store.put(index_state.STATE_ENTRY, value)
        assert store.save()

    sources = more
    for value in (b"not a pickle", {"count": 61}, index_state.dumped(state)[0]):  # nonsense, another shape, another catalogue's
        planted(value)
        sources = [*sources[:-1], {**sources[-1], "title": [f"Retitled {len(uses)}"]}]
        assert search_index.sources_files(sources, 1, tmp_path) == made_whole(sources)
    assert uses == []


@pytest.mark.parametrize("lost", ["the last shard", "a chunk of records"])
def test_a_content_missing_from_the_store_makes_the_index_whole(tmp_path: Path, uses: list[bool], lost: str) -> None:
    sources = catalogue(60)
    search_index.sources_files(sources, 1, tmp_path)
    state = index_state.loaded(kept_store(tmp_path))
    assert state is not None
    store = kept_store(tmp_path)  # (loaded() used every entry the state names)
    missing = index_state.entry(state.contents[-1]) if lost == "the last shard" else next(iter(index_state.dumped(state)[1]))
    for key in list(store._old):
        if key != missing:
            store.get(key)
    assert store.save() and missing not in kept_store(tmp_path)._old
    retitled = [*sources[:-1], {**sources[-1], "body": ["<p>fire and zebra</p>"]}]
    assert search_index.sources_files(retitled, 1, tmp_path) == made_whole(retitled)
    assert uses == ([False] if lost == "the last shard" else [])  # (without its records, the state is not even tried)


def test_a_cut_taken_up_again_where_terms_changed_is_the_whole_cut() -> None:
    rng = random.Random(3)
    vocabulary = [*WORDS[:80], "fire", "firefight", "fireman", "firewall", "firestation", "fir"]
    for trial in range(300):
        limit = rng.choice([250, 600, 1_500])
        before = [{name: " ".join(rng.choices(vocabulary, k=rng.randint(0, 12))) for name in FIELDS} for _ in range(30)]
        for fields in before:
            if rng.random() < 0.7:
                fields["body"] += " fire"
        after = [dict(fields) for fields in before]
        for i in rng.sample(range(30), rng.randint(1, 4)):
            after[i]["body"] = " ".join(rng.choices(vocabulary, k=rng.randint(0, 15)))
        old, new = Postings([analyse(f) for f in before]), Postings([analyse(f) for f in after])
        old_cut = old.cut_from(sorted(old.postings, key=js_order), 0, None, limit)[0]
        terms = sorted(new.postings, key=js_order)
        whole = new.cut_from(terms, 0, None, limit)[0]
        moved = {t for t in old.postings.keys() | new.postings.keys() if old.postings.get(t) != new.postings.get(t)}
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(search_shards, "SHARD_BYTES", limit)
            assert index_state.recut(old_cut, terms, moved, new) == whole, trial
