"""Compiled templates kept between builds: a Jinja bytecode cache in an authenticated store.

Compiling the templates takes a quarter of a second on every build and check. Jinja can keep the
compiled code, but loading it runs it (marshal), so it is kept in ``ROOT/.cache/templates.pickle``,
signed like every store (text/memo_store.py): a file planted in a pull request is never loaded. Each
entry is keyed by the template's name and Jinja's checksum of its source, so an edited template is
compiled again; the store's version covers the Jinja and Python versions and the environment's code.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from site_builder.text.memo_store import MemoStore, source_version

CACHE_NAME = "templates"


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's bytecode, by template and source checksum, in a :class:`MemoStore`."""

    def __init__(self, store: MemoStore) -> None:
        self.store = store

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.store.get(f"{bucket.key}:{bucket.checksum}")
        if isinstance(found, bytes):
            bucket.bytecode_from_string(found)  # checks Jinja's magic header and the checksum again

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store.put(f"{bucket.key}:{bucket.checksum}", bucket.bytecode_to_string())


def bytecode_cache(root: Path) -> SignedBytecodeCache | None:
    version = source_version("templates-1", ("outputs/render.py", "outputs/template_cache.py"), ("jinja2", "markupsafe"))
    store = MemoStore.open(root, CACHE_NAME, version)
    return None if store is None else SignedBytecodeCache(store)


def save_bytecode(env: jinja2.Environment) -> None:
    """Keep what this build compiled (call once every template is compiled)."""
    if isinstance(env.bytecode_cache, SignedBytecodeCache):
        env.bytecode_cache.store.save()
