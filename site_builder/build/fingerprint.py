"""Stable digests of what a page is made from: its template's world and its context.

:func:`tool_fingerprint` covers everything that is the same for every page of a build: the tool's own
source, the templates, the library versions. :class:`ContextHasher` digests a page's context (frozen
dataclasses, pydantic models, mappings, sequences, strings, numbers, dates, ``Markup``) in a way that
does not depend on the process, so equal inputs give equal keys from one build to the next. Anything
it does not know raises :class:`Unhashable`, and such a page is simply always rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import importlib.metadata
import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pydantic

FINGERPRINT_VERSION = "4"  # bump when the way keys are made changes
PACKAGE = Path(__file__).resolve().parent.parent
LIBRARIES = ("jinja2", "markdown", "nh3", "markupsafe", "pydantic")


class Unhashable(Exception):
    """A context value the hasher does not know how to digest stably."""


def tree_digest(folder: Path, pattern: str) -> str:
    """A digest of every file matching ``pattern`` under ``folder``: names and bytes, in a fixed order."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tool_fingerprint(templates: Path) -> str:
    """What every page of a build shares: the tool's source, its templates and its libraries' versions."""
    digest = hashlib.sha256(FINGERPRINT_VERSION.encode("ascii"))
    digest.update(tree_digest(PACKAGE, "*.py").encode("ascii"))
    digest.update(tree_digest(templates, "*").encode("ascii"))
    for name in LIBRARIES:
        digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
    return digest.hexdigest()


def _shape(kind: type, omit: frozenset[str]) -> tuple[bytes, tuple[tuple[str, bytes], ...] | None]:
    """A type's name, and its fields (attribute, ``b"name="``) if it is a dataclass or a pydantic model."""
    name = f"{kind.__module__}.{kind.__qualname__}".encode()
    if dataclasses.is_dataclass(kind):
        names = [f.name for f in dataclasses.fields(kind)]
    elif issubclass(kind, pydantic.BaseModel):
        names = list(kind.model_fields)
    else:
        return name, None
    if omit:
        name += b"-" + ",".join(sorted(omit)).encode()
    return name, tuple((n, n.encode() + b"=") for n in names if n not in omit)


def _scalar_digester(kind: type) -> Callable[[Any], bytes] | None:
    """How to digest a value of ``kind`` that is not a container (``None``: it is one, or unknown)."""
    name = kind.__name__
    if kind is type(None) or issubclass(kind, bool | int | float):
        return lambda value: f"{name}:{value!r};".encode()
    if issubclass(kind, str):  # Markup too: its type is part of the digest
        return lambda value: f"{name}:{len(value)}:".encode() + value.encode("utf-8", "surrogatepass")
    if issubclass(kind, dt.date | dt.datetime | dt.time):
        return lambda value: f"{name}:{value.isoformat()};".encode()
    return None


def _digest(data: bytes) -> bytes:
    """20 bytes of sha256: faster than blake2b from a few hundred bytes up where the CPU has SHA instructions."""
    return hashlib.sha256(data).digest()[:20]


class ContextHasher:
    """Digests values; containers are remembered by identity, so a project shown on many pages is digested once.

    Use one hasher per build only: identities are reused once objects are freed. ``omit`` leaves fields
    out of the digests of some types: for pages whose templates never read them (see ``incremental``).
    A hasher with a ``narrow`` one digests those types as the narrow digest plus the fields it omits,
    so what both see of a value (all but the omitted fields) is walked once, by the narrow hasher.
    """

    def __init__(self, omit: Mapping[type, frozenset[str]] | None = None, narrow: ContextHasher | None = None) -> None:
        self._omit = dict(omit or {})
        self._narrow = narrow
        self._memo: dict[int, bytes] = {}
        self._alive: list[Any] = []  # keeps memoised objects alive, so their ids stay theirs
        self._shapes: dict[type, tuple[bytes, tuple[tuple[str, bytes], ...] | None]] = {}
        self._scalars: dict[type, Callable[[Any], bytes] | None] = {}
        self._rest: dict[type, tuple[tuple[str, bytes], ...]] = {}  # the fields the narrow hasher omits, by type

    def digest(self, value: Any) -> bytes:
        return _digest(self._part(value))

    def part(self, value: Any) -> bytes:
        """What a container ``value`` adds to the digest of any value that holds it (see :meth:`know`)."""
        return self._part(value)

    def know(self, value: Any, part: bytes) -> None:
        """Take ``part`` as ``value``'s, without walking it: ``part`` is what :meth:`part` gave for an equal value."""
        self._memo[id(value)] = part
        self._alive.append(value)

    def _part(self, value: Any) -> bytes:
        kind = type(value)
        if kind is str:  # the commonest part by far: first, and without a lookup
            text: str = value
            return b"str:" + str(len(text)).encode() + b":" + text.encode("utf-8", "surrogatepass")
        # Next, a container met before (a project shown on many pages): only containers are remembered, and
        # each is kept alive while remembered, so no other value can have its id.
        found = self._memo.get(id(value))
        if found is not None:
            return found
        try:
            scalar = self._scalars[kind]
        except KeyError:
            scalar = self._scalars[kind] = _scalar_digester(kind)
        if scalar is not None:
            return scalar(value)
        if isinstance(value, enum.Enum):
            return f"enum:{kind.__qualname__}:".encode() + self._part(value.value)
        found = b"#" + _digest(self._container(value))
        self._memo[id(value)] = found
        self._alive.append(value)
        return found

    def _shape(self, kind: type) -> tuple[bytes, tuple[tuple[str, bytes], ...] | None]:
        shape = self._shapes.get(kind)
        if shape is None:
            shape = self._shapes[kind] = _shape(kind, self._omit.get(kind, frozenset()))
        return shape

    def _container(self, value: Any) -> bytes:
        kind = type(value)
        name, fields = self._shape(kind)
        part = self._part
        if fields is not None:  # a dataclass or a pydantic model: its fields by name
            narrow = self._narrow
            if narrow is not None and kind in narrow._omit:  # the narrow digest, then what it leaves out
                rest = self._rest.get(kind)
                if rest is None:
                    kept = {attr for attr, _ in narrow._shape(kind)[1] or ()}
                    rest = self._rest[kind] = tuple((attr, field) for attr, field in fields if attr not in kept)
                return name + b"+" + narrow._part(value) + b"".join([field + part(getattr(value, attr)) for attr, field in rest])
            return name + b"(" + b"".join([field + part(getattr(value, attr)) for attr, field in fields]) + b")"
        if isinstance(value, Mapping):
            return name + b"{" + b"".join([part(k) + part(v) for k, v in value.items()]) + b"}"
        if isinstance(value, list | tuple):  # often of projects met before: their memo looked up here, without a call
            known = self._memo.get
            return name + b"[" + b"".join([known(id(item)) or part(item) for item in value]) + b"]"
        if isinstance(value, set | frozenset):
            return name + b"{" + b"".join(sorted(part(item) for item in value)) + b"}"
        if isinstance(value, type) or (inspect.isfunction(value) and "<" not in value.__qualname__):
            # A class or a module-level function: its code is in the tool fingerprint, so its name is enough.
            # Lambdas and closures ('<lambda>', '<locals>') may carry state, and stay unhashable.
            return b"code:" + f"{value.__module__}.{value.__qualname__}".encode()
        raise Unhashable(f"{kind.__module__}.{kind.__qualname__}")
