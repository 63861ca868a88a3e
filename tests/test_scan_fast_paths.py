"""The quick looks that let the character checks and the body scan skip ordinary text find what the full rules find."""

from __future__ import annotations

import random

from site_builder.catalogue import body_scan
from site_builder.text import text_checks

EVERY_CHARACTER = "".join(map(chr, range(0x110000)))
TOKENS = ["[", "]", "\\[", "\\]", "\\", "> ", ">", "- ", "* ", "+ ", "1. ", "12) ", "123456789. ", "    ", "\t", " ",
          "*", "_", "*" * 12, "*" * 13, "_" * 13, "-", "word ", "é", "\n", "\n", "\n\n", " \n", "\u3000\n", "---\n", "* * *\n"]


def test_the_quick_character_patterns_find_what_the_full_ones_find() -> None:
    for text in (EVERY_CHARACTER, EVERY_CHARACTER[:128], "ascii only\x00\x1f\x7f\t"):
        assert [(m.start(), m.group()) for m in text_checks._raw_matches(text)] == \
            [(m.start(), m.group()) for m in text_checks._RAW.finditer(text)]
        assert text_checks._in_value(text) == text_checks._IN_VALUE.findall(text)
    assert len(text_checks._RAW.findall(EVERY_CHARACTER)) == 141  # the test covers every refused character


def test_the_ascii_shortcut_for_invisible_values_knows_every_invisible_ascii_character() -> None:
    assert "".join(c for c in map(chr, range(128)) if text_checks._invisible(c)) == text_checks._ASCII_INVISIBLE
    assert text_checks.only_invisible("\x0b\x0c ") == "only invisible characters (1 x U+000B vertical tab, 1 x U+000C form feed)"
    assert text_checks.only_invisible(" \x00a") is None and text_checks.only_invisible("  ") is None


def _full_scan(body: str) -> list[body_scan.BodyProblem]:
    rules = (body_scan._big_block, body_scan._deep_nesting, body_scan._long_run, body_scan._deep_brackets)
    return [problem for rule in rules if (problem := next(rule(body), None)) is not None]


PREFIXES = ["\t", "    ", "  ", " ", "> ", "- ", "* ", "1. ", "12) "]


def _hostile_body(rng: random.Random) -> str:
    """Lines with long runs of indents and markers, brackets and delimiters: near each rule's limit, on both sides."""
    lines = []
    for _ in range(rng.randint(0, 12)):
        prefix = "".join(rng.choices(PREFIXES, k=rng.choice([0, 1, 4, 7, 8, 9, 10, 11])))
        opened = "[" * rng.choice([0, 1, 4, 8, 9, 10]) + rng.choice(["", "]", "]]", "\\[", "\\", "\n"])
        lines.append(prefix + opened + rng.choice(["", "x", "*" * 13, "_" * 12, "*" * 12]) + rng.choice(["", " text"]))
    return "\n".join(lines)


def test_the_body_scan_with_its_quick_looks_finds_what_the_full_rules_find() -> None:
    rng = random.Random(11)
    found_something = 0
    for round_ in range(6000):
        if round_ % 2:
            weights = [rng.random() for _ in TOKENS]
            body = "".join(rng.choices(TOKENS, weights, k=rng.randint(0, 400)))
        else:
            body = _hostile_body(rng)
        expected = _full_scan(body)
        assert body_scan.scan_body(body) == expected, repr(body)
        found_something += bool(expected)
    assert found_something > 600  # the bodies are hostile enough for the test to mean something


def test_the_quick_looks_at_their_limits() -> None:
    for body in ("\t" * 8 + "- x", "\t" * 8 + "> x", "> " * 9 + "x", "[" * 9 + "x", "[[[[]" + "[" * 6 + "x", "a " + "*" * 13 + " b", "a " + "_" * 13):
        assert body_scan.scan_body(body) == _full_scan(body) != [], repr(body)
    for body in ("\t" * 9 + "x", "\t" * 7 + "- x", "> " * 8 + "x", "[" * 8 + "x", "[[[[]" + "[" * 5 + "x", "a " + "*" * 12, "*" * 13):
        assert body_scan.scan_body(body) == _full_scan(body) == [], repr(body)


def test_a_big_block_is_still_found() -> None:
    body = "é" * (body_scan.MAX_BLOCK_BYTES // 2 + 1)  # few characters, many bytes
    assert [p.message.split(",")[0] for p in body_scan.scan_body(body)] == [
        "expected ordinary Markdown"]
