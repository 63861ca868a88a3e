"""The one JSON writer: deterministic, compact, and safe to paste into HTML."""

from __future__ import annotations

import json
from typing import Any

# Written as escapes so that no JSON file the site publishes contains markup, even if a consumer
# pastes it into an HTML page or a <script> block; json.loads reads them back unchanged.
_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def json_text(data: Any) -> str:
    """Compact JSON with sorted keys, UTF-8 text as is, and ``<``, ``>``, ``&``, U+2028 and U+2029 escaped.

    Compact, because only then does the standard library use its C encoder: indented output took
    seconds for 10,000 projects. Five ``str.replace`` calls are ~20x faster than ``str.translate`` here.
    """
    return html_safe(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False))


def html_safe(text: str) -> str:
    """JSON ``text`` with ``<``, ``>``, ``&``, U+2028 and U+2029 written as escapes (json_text's last step)."""
    for char, escape in _ESCAPES:
        if char in text:
            text = text.replace(char, escape)
    return text


def json_bytes(data: Any) -> bytes:
    """:func:`json_text` as UTF-8 bytes with a final newline: the form of every JSON file the site writes."""
    return (json_text(data) + "\n").encode("utf-8")
