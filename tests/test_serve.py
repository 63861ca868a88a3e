"""The development server's rebuild keeps the last good site when a change breaks the build."""

from __future__ import annotations

import io
from pathlib import Path

from site_builder.build.pipeline import BuildOptions
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
