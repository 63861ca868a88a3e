"""The bounded Markdown processors: the library's results on ordinary input, and no runaway on hostile input.

The differential tests compare each bounded processor with the python-markdown processor it replaces on
many seeded random strings of the characters that matter to it, short enough that the bounds never
apply: any difference is a change in what authors get. The other tests feed the storms that used to
take minutes or overflow the stack.
"""

from __future__ import annotations

import random
import re
import time

import markdown
import pytest
from markdown.inlinepatterns import BACKTICK_RE, LINK_RE, BacktickInlineProcessor, LinkInlineProcessor

from site_builder.catalogue.body_scan import MAX_BRACKET_DEPTH
from site_builder.outputs.markdown import MarkdownRenderer, heading_slug
from site_builder.outputs.markdown_bounds import MAX_TREE_DEPTH, BoundedBacktick, BoundedLink

MD = markdown.Markdown()
MD.treeprocessors["inline"].stashed_nodes = {}  # type: ignore[attr-defined]  # getLink reads it; run() sets it
LIBRARY_LINK, BOUNDED_LINK = LinkInlineProcessor(LINK_RE, MD), BoundedLink(LINK_RE, MD)


def strings(alphabet: str, count: int, seed: int, longest: int = 24) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, longest))) for _ in range(count)]


def test_link_text_is_found_as_the_library_finds_it() -> None:
    compared = 0
    for data in strings("[]ab \\", 3000, seed=1):
        if data.count("[") > MAX_BRACKET_DEPTH:
            continue
        for index in range(len(data) + 1):
            text, end, handled = LIBRARY_LINK.getText(data, index)
            assert BOUNDED_LINK.getText(data, index) == ((text, end, True) if handled else ("", index, False)), (data, index)
            compared += handled
    assert compared > 1000  # the strings exercise the matching case, not only failures


def balanced(data: str) -> bool:
    """Does a ')' balance the '(' at the start? (Where none does, the library may still make a link
    from a quoted title, even one ending at index -1; ours makes none.)"""
    depth = 0
    for char in re.findall("[()]", data):
        depth += 1 if char == "(" else -1
        if depth == 0:
            return True
    return False


def test_link_addresses_and_titles_are_parsed_as_the_library_parses_them() -> None:
    compared = 0
    for data in ("(" + tail for tail in strings("()\"' a<>\n", 6000, seed=2)):
        if data.count("(") > MAX_BRACKET_DEPTH:
            continue
        got = BOUNDED_LINK.getLink(data, 0)
        if not balanced(data) and not LIBRARY_LINK.RE_LINK.match(data).group(1):  # type: ignore[union-attr]
            assert not got[3], repr(data)
            continue
        expected = LIBRARY_LINK.getLink(data, 0)
        if expected[2] < 0:  # the library's own bug: a link ending at index -1
            assert not got[3], repr(data)
            continue
        assert (got if expected[3] else got[3]) == (expected if expected[3] else False), repr(data)
        compared += expected[3]
    assert compared > 1000


def test_code_spans_are_found_as_the_library_finds_them() -> None:
    library, bounded = BacktickInlineProcessor(BACKTICK_RE), BoundedBacktick(BACKTICK_RE)
    found = 0
    for data in strings("`a ", 3000, seed=3):
        for start in (m.start() for m in re.finditer("`+", data)):
            expected = library.find_code_spans(start, data)
            assert bounded.find_code_spans(start, data) == expected, (data, start)
            found += expected[1] is not None
    assert found > 1000


def test_ordinary_markdown_renders_as_the_library_renders_it() -> None:
    """Links, images, references, code, tables, lists, quotes and headings, with the bounds in place."""
    text = ("# Head\n\nSee [the *report*](https://example.org/a_(b) \"Title (1)\") and [ref][r], [r] and `a ``b`` c`.\n\n"
            "[r]: https://example.org/r\n\n| a | b |\n|---|---|\n| 1 | [x](https://example.org/x) |\n\n"
            "- one\n    - two\n        - three\n\n> quoted\n> > twice\n\nSub\n---\n\n***\n")
    ours = MarkdownRenderer()
    library = markdown.Markdown(extensions=["tables", "sane_lists", "toc"], output_format="html",
                                extension_configs={"toc": {"baselevel": 2, "slugify": heading_slug, "toc_depth": "2-6"}})
    assert ours.convert(text, trim=False) == library.convert(text)
    assert ours.convert(text) == library.convert(text)
    assert "<a href" in library.convert(text) and "<table>" in library.convert(text)


@pytest.mark.parametrize(("label", "text"), [
    ("30,000 [", "[" * 30000),
    ("15,000 ![", "![" * 15000),
    ("7,500 [a](", "[a](" * 7500),
    ("4,000 [a](\"x)", "[a](\"x)" * 4000),
    ("10,000 ``", "`` `" * 10000),
])
def test_bracket_and_backtick_storms_render_quickly(label: str, text: str) -> None:
    """Each took from 20 s to several minutes; now well under a second (bound: 10 s on a loaded machine)."""
    start = time.perf_counter()
    html = MarkdownRenderer().render(text)
    assert time.perf_counter() - start < 10, label
    assert html.startswith("<p>")


@pytest.mark.parametrize("text", [
    "**" * 1000 + "a" + "**" * 1000,
    "*" * 3000 + "a" + "*" * 3000,
    "- " * 3000 + "item",
    "1. " * 3000 + "item",
    "> " * 3000 + "a",
])
def test_deep_nesting_renders_without_overflowing_the_stack(text: str) -> None:
    html = MarkdownRenderer().render(text)
    depth = deepest = 0
    for tag in re.finditer(r"<(/?)[a-z][a-z0-9]*[^>]*?(/?)>", html):
        depth += -1 if tag.group(1) else (0 if tag.group(2) else 1)
        deepest = max(deepest, depth)
    assert deepest <= MAX_TREE_DEPTH
    assert "item" in html or "a" in html


def test_deeply_nested_raw_html_renders() -> None:
    assert "a" + "</b>" * 3000 in MarkdownRenderer().render("<b>" * 3000 + "a")


def test_text_nested_past_the_limit_is_kept_as_plain_text() -> None:
    html = MarkdownRenderer().render("**" * 100 + "deep" + "**" * 100 + " after")
    assert "deep" in html and html.rstrip().endswith("after</p>")
