"""``catalogue serve`` live reload: an edit reloads the open page; a broken edit shows an overlay, and the last good page stays."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_builder.serve.livereload import OVERLAY_ID, SCRIPT_PATH
from tests.golden_update import SOURCE_DATE_EPOCH
from tests.helpers import VALID_PROJECT, make_catalogue

WAIT = 60.0  # seconds: generous, for a loaded machine; a rebuild of this catalogue takes well under 2 s
PROJECT = "content/projects/kent-joint-control-room.md"
PAGE = "projects/kent-joint-control-room/"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """``catalogue serve`` on a free port of 127.0.0.1, as a subprocess; yields the catalogue and the site's URL."""
    root = make_catalogue(tmp_path / "catalogue")
    log = tmp_path / "serve.log"
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0"],
                                stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + WAIT
        while not (found := re.search(r"at (http://127\.0\.0\.1:\d+/)", log.read_text(encoding="utf-8"))):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.05)
        yield root, found[1]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=WAIT)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=WAIT) as response:  # our own server on loopback
        return str(response.read().decode("utf-8"))


def test_an_edit_reloads_the_page_and_a_broken_edit_shows_the_overlay(browser: Any, served: tuple[Path, str]) -> None:
    root, url = served
    assert SCRIPT_PATH.encode() not in (root / "_site" / PAGE / "index.html").read_bytes()  # never in the built files
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(url + PAGE)
    assert "beside the police" in page.inner_text("main")
    page.evaluate("window.__not_reloaded = true")

    (root / PROJECT).write_text(VALID_PROJECT.replace("beside the police", "next to the police"), encoding="utf-8")
    page.wait_for_function("() => !window.__not_reloaded && document.body.innerText.includes('next to the police')",
                           timeout=WAIT * 1000)

    (root / PROJECT).write_text(VALID_PROJECT.replace("status: operational", "status: live")
                                .replace("beside the police", "next to the police"), encoding="utf-8")
    overlay = page.locator(f"#{OVERLAY_ID}")
    overlay.wait_for(state="visible", timeout=WAIT * 1000)
    assert "kent-joint-control-room.md:4:9: error: status: expected proposed" in overlay.inner_text()
    assert any("the rebuild failed" in text for text in errors)
    assert "next to the police" in page.inner_text("main")  # not reloaded: the last good page
    assert "next to the police" in fetch(url + PAGE)  # and still served
    page.close()
