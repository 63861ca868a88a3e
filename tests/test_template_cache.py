"""Compiled templates kept in .cache/templates.pickle (outputs/template_cache.py): used, refreshed, never forged."""

from __future__ import annotations

import marshal
import pickle
from pathlib import Path

import jinja2
import pytest

from site_builder.build.load import load_site
from site_builder.outputs.template_cache import CACHE_NAME, bytecode_cache, save_bytecode
from site_builder.text.memo_store import STORE_VERSION
from tests.helpers import make_catalogue

CACHE_FILE = f".cache/{CACHE_NAME}.pickle"


def _environment(templates: Path, root: Path) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(templates), bytecode_cache=bytecode_cache(root), autoescape=True)


def test_a_second_load_compiles_no_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    loaded, report = load_site(root, use_cache=True)
    assert loaded is not None and report.ok()
    assert (root / CACHE_FILE).is_file()
    monkeypatch.setattr(jinja2.Environment, "compile", lambda *args, **kwargs: pytest.fail("compiled again"))
    again, report = load_site(root, use_cache=True)
    assert again is not None and report.ok()
    assert again.templates.get_template("404.html").name == "404.html"  # loaded from the cache


def test_without_the_cache_nothing_is_kept(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    loaded, _ = load_site(root, use_cache=False)
    assert loaded is not None and loaded.templates.bytecode_cache is None
    assert not (root / CACHE_FILE).exists()


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("first {{ value }}", encoding="utf-8")
    env = _environment(templates, tmp_path)
    assert env.get_template("page.html").render(value=1) == "first 1"
    save_bytecode(env)
    (templates / "page.html").write_text("second {{ value }}", encoding="utf-8")
    assert _environment(templates, tmp_path).get_template("page.html").render(value=2) == "second 2"


def test_a_planted_cache_is_never_loaded(tmp_path: Path) -> None:
    """Compiled code committed in a pull request, for the template's real key: it fails the signature."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("honest {{ value }}", encoding="utf-8")
    env = _environment(templates, tmp_path)
    env.get_template("page.html")
    save_bytecode(env)
    cache = env.bytecode_cache
    assert cache is not None
    (key,) = cache.store.new  # type: ignore[attr-defined]
    evil = jinja2.Environment().compile("planted {{ value }}", "page.html")
    body = pickle.dumps((STORE_VERSION, "any", {key: jinja2.bccache.bc_magic + pickle.dumps(key.split(":")[1], 2) + marshal.dumps(evil)}))
    (tmp_path / CACHE_FILE).write_bytes(b"0" * 64 + b"\n" + body)
    assert _environment(templates, tmp_path).get_template("page.html").render(value=3) == "honest 3"
