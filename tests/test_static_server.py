"""The local static server behaves like GitHub Pages: no listings, the 404 page for missing paths."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from site_builder.serve.static_server import start_server


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.parametrize("not_found", [False, True])
def test_pages_listings_and_missing_paths(tmp_path: Path, not_found: bool) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text("page a", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "404.html").write_text("custom not found", encoding="utf-8")
    server = start_server(tmp_path, not_found=tmp_path / "404.html" if not_found else None)
    try:
        assert _get(server.url + "a/") == (200, b"page a")
        for missing in ("empty/", "nothing/here/"):
            status, body = _get(server.url + missing)
            assert status == 404
            assert (body == b"custom not found") is not_found
            assert b"Directory listing" not in body
    finally:
        server.shutdown()
        server.server_close()
