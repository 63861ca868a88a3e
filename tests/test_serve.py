"""The development server's rebuild keeps the last good site when a change breaks the build."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions
from site_builder.outputs import render, template_errors
from site_builder.runtime.paths import TEMPLATES_DIR
from site_builder.serve import loop
from site_builder.serve.loop import rebuild
from tests.helpers import VALID_PROJECT, make_catalogue


def test_a_failed_rebuild_keeps_serving_the_last_good_site(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path)
    options = BuildOptions(out=tmp_path / "_site", use_cache=False)
    log = io.StringIO()
    assert rebuild(root, options, log)
    page = tmp_path / "_site/projects/kent-joint-control-room/index.html"
    before = page.read_bytes()
    (root / "content/projects/kent-joint-control-room.md").write_text(
        VALID_PROJECT.replace("status: operational", "status: live"), encoding="utf-8")
    log = io.StringIO()
    assert not rebuild(root, options, log)
    assert "kent-joint-control-room.md:4:9: error: status: expected proposed, in-development" in log.getvalue()
    assert log.getvalue().endswith("build failed: still serving the last good build\n")
    assert page.read_bytes() == before


def test_a_bug_during_a_rebuild_is_printed_and_the_last_good_site_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalogue(tmp_path)
    options = BuildOptions(out=tmp_path / "_site", use_cache=False)
    assert rebuild(root, options, io.StringIO())
    page = tmp_path / "_site/projects/kent-joint-control-room/index.html"
    before = page.read_bytes()

    def broken(*args: object) -> None:
        raise RuntimeError("a bug in a stage")

    monkeypatch.setattr(loop, "build_site", broken)
    log = io.StringIO()
    assert not rebuild(root, options, log)
    assert log.getvalue().startswith("internal error during the rebuild: RuntimeError: a bug in a stage\n")
    assert "Still serving the last good build." in log.getvalue()
    assert page.read_bytes() == before


def test_a_template_error_during_a_rebuild_keeps_the_last_good_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    options = BuildOptions(out=tmp_path / "_site", use_cache=False)
    assert rebuild(root, options, io.StringIO())
    page = tmp_path / "_site/about/index.html"
    before = page.read_bytes()
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, templates)
    (templates / "about.html").write_text("{{ nothing.here }}", encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES", templates)
    monkeypatch.setattr(template_errors, "TEMPLATES_DIR", templates)
    log = io.StringIO()
    assert not rebuild(root, options, log)
    assert "templates/about.html:1:1: error: template: 'nothing' is undefined" in log.getvalue()
    assert log.getvalue().endswith("build failed: still serving the last good build\n")
    assert page.read_bytes() == before
