"""The parse cache: each project file's parse, kept in ``ROOT/.cache/parse.pickle`` between builds.

Parsing (``parse.parse_project_bytes``) is a pure function of a file's bytes, its path, the registry
and vocabularies, the ids whose registry entries failed, and the code. A file's entry is keyed by the
sha256 of the bytes actually read and by its path; the store's ``version`` covers the rest: the bytes
of the registry and vocabulary files, the unusable ids, the source of the tool and the versions of
Python and of the libraries that parse and validate. Change any of them and every file is parsed again.

The store is a :class:`~site_builder.text.memo_store.MemoStore`: authenticated, so a planted or damaged
file is ignored, and rewritten with only the entries this load used.

What is cached is the parse only: the checks that depend on today's date (``rules.check_project``) and
those across files (``rules.check_catalogue``) run on every load. The files that are not in the cache
are parsed on all cores when there are many (:func:`parse_files`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml

from site_builder.catalogue.parse import Parsed, parse_project_bytes
from site_builder.catalogue.registry import ORGANISATIONS_FILE, VOCABULARY_FILES, Registry
from site_builder.catalogue.types import PROJECTS_DIR, Project
from site_builder.runtime.parallel import parallel_map
from site_builder.text.file_access import read_content_file, read_content_files
from site_builder.text.memo_store import PACKAGE, MemoStore, source_version

STORE_NAME = "parse"
CACHE_VERSION = "1"  # bump when what is stored, or how it is keyed, changes
NOT_CODE = ("devtools", "cli")  # sub-packages that play no part in parsing
LIBRARIES = ("pydantic", "pydantic-core", "PyYAML")
PARALLEL_FROM = 200  # files to parse; fewer are parsed in this process (forking and pickling cost more)


@functools.cache
def code_digest() -> str:
    """The tool's source (but for ``NOT_CODE``), Python's and the parsing libraries' versions."""
    sources = [rel.as_posix() for rel in sorted(path.relative_to(PACKAGE) for path in PACKAGE.rglob("*.py"))
               if rel.parts[0] not in NOT_CODE and "__pycache__" not in rel.parts]
    return source_version(f"parse-{CACHE_VERSION};libyaml={getattr(yaml, '__with_libyaml__', False)}", sources, LIBRARIES)


def parse_version(root: Path, unusable: dict[str, set[str]]) -> str:
    """Everything a file's parse depends on besides its bytes and path, as one digest."""
    digest = hashlib.sha256(code_digest().encode("ascii"))
    for rel in (ORGANISATIONS_FILE, *VOCABULARY_FILES.values()):
        raw, problems = read_content_file(root, rel)  # read as load_registry reads it
        seen = raw if raw is not None else "\n".join(d.text() for d in problems).encode("utf-8")
        digest.update(f"{rel}\0{raw is None}\0".encode() + hashlib.sha256(seen).digest())
    digest.update(json.dumps({name: sorted(ids) for name, ids in sorted(unusable.items())}).encode("utf-8"))
    return digest.hexdigest()


def file_key(raw: bytes, rel: str) -> str:
    return f"{hashlib.sha256(raw).hexdigest()}:{rel}"


class ParseCache:
    """Parses by file, from and to the store; ``hits`` and ``misses`` count this load's lookups."""

    def __init__(self, store: MemoStore, version: str) -> None:
        self._store = store
        self.version = version
        self.misses = 0
        # Each file looked up (by path): a digest of everything its parse depends on, for the caches
        # of what is made from a project (build/incremental.py keeps its page digests by it).
        self.source_keys: dict[str, str] = {}

    @classmethod
    def open(cls, root: Path, unusable: dict[str, set[str]]) -> ParseCache | None:
        """The cache at ``root``, or ``None`` where there can be none (see ``MemoStore.open``)."""
        version = parse_version(root, unusable)
        store = MemoStore.open(root, STORE_NAME, version)
        return None if store is None else cls(store, version)

    @property
    def hits(self) -> int:
        return self._store.hits

    def get(self, key: str) -> Parsed | None:
        """The parse kept under ``key`` (:func:`file_key`), if any."""
        rel = key.split(":", 1)[1]
        self.source_keys[rel] = hashlib.sha256(f"{self.version}\0{key}".encode()).hexdigest()
        found = self._store.get(key)
        if _is_parsed(found):
            return found
        self.misses += 1
        return None

    def put(self, key: str, parsed: Parsed) -> None:
        self._store.put(key, parsed)

    def save(self) -> bool:
        return self._store.save()


def _is_parsed(value: object) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and (value[0] is None or isinstance(value[0], Project))
            and isinstance(value[1], list))


_state: dict[str, Any] = {}


def _parse_one(index: int) -> Parsed:
    raw, rel = _state["todo"][index]
    return parse_project_bytes(raw, rel, _state["registry"], _state["unusable"])


def parse_files(root: Path, rels: list[str], registry: Registry, unusable: dict[str, set[str]],
                cache: ParseCache | None = None, jobs: int = 0) -> list[Parsed]:
    """Each file read (see ``file_access``) and parsed, or its parse taken from ``cache``; in ``rels`` order.

    The files that are not in the cache are parsed on ``jobs`` processes (0: all cores) when there
    are at least ``PARALLEL_FROM``, and added to it.
    """
    done: list[Parsed | None] = []
    todo: list[tuple[bytes, str]] = []
    keys: list[str] = []
    for rel, (raw, problems) in zip(rels, read_content_files(root, PROJECTS_DIR, rels), strict=True):
        if raw is None:
            done.append((None, problems))
            continue
        key = file_key(raw, rel)  # of the bytes parsed, never of a second read
        found = cache.get(key) if cache is not None else None
        done.append(found)
        if found is None:
            todo.append((raw, rel))
            keys.append(key)
    _state.update(todo=todo, registry=registry, unusable=unusable)
    try:
        parsed = parallel_map(_parse_one, range(len(todo)), jobs if len(todo) >= PARALLEL_FROM else 1)
    finally:
        _state.clear()
    if cache is not None:
        for key, result in zip(keys, parsed, strict=True):
            cache.put(key, result)
    fresh = iter(parsed)
    return [found if found is not None else next(fresh) for found in done]
