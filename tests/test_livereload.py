"""The dev server's live reload (site_builder/serve/livereload.py): only the dev server adds it, only to HTML."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from site_builder.serve.livereload import SCRIPT_PATH, STATUS_PATH, TAG, BuildStatus, inject
from site_builder.serve.static_server import start_server


def get(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:  # our own server on loopback
        return str(response.headers["Content-Type"]), bytes(response.read())


def test_inject_puts_the_script_before_the_last_closing_body() -> None:
    assert inject(b"<body><p>a</p></body>\n</html>\n") == b"<body><p>a</p>" + TAG + b"\n</body>\n</html>\n"
    assert inject(b"<p>no body</p>") == b"<p>no body</p>" + TAG


def test_only_a_live_server_adds_the_script_and_answers_the_status(tmp_path: Path) -> None:
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_bytes(b"<html><body>hi</body></html>")
    (tmp_path / "data.json").write_bytes(b'{"</body>": 1}')
    status = BuildStatus()
    live, plain = start_server(tmp_path, live=status), start_server(tmp_path)
    try:
        assert get(live.url + "page/") == ("text/html; charset=utf-8", b"<html><body>hi" + TAG + b"\n</body></html>")
        assert get(live.url + "data.json")[1] == b'{"</body>": 1}'
        assert get(plain.url + "page/")[1] == b"<html><body>hi</body></html>"
        kind, script = get(live.url + SCRIPT_PATH.lstrip("/"))
        assert kind == "text/javascript; charset=utf-8" and b"location.reload()" in script and b"innerHTML" not in script
        status.update(False, ["content/projects/a.md:1:1: error: title: expected text, found nothing; add a title"])
        assert json.loads(get(live.url + STATUS_PATH.lstrip("/"))[1]) == {
            "generation": 1, "ok": False, "errors": ["content/projects/a.md:1:1: error: title: expected text, found nothing; add a title"]}
    finally:
        for server in (live, plain):
            server.shutdown()
            server.server_close()
    assert b"__catalogue__" not in (tmp_path / "page" / "index.html").read_bytes()
