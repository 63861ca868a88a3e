"""Project bodies: Markdown features we promise, and the allow-list that keeps them safe."""

from __future__ import annotations

import importlib.metadata
import random
import re

import pytest

from site_builder.outputs import markdown as markdown_render
from site_builder.outputs.markdown import MarkdownRenderer, body_key, strip_xml_illegal, unused_patterns


def render(text: str) -> str:
    return MarkdownRenderer().render(text)


def test_headings_are_demoted_so_the_page_keeps_one_h1() -> None:
    html = render("# Background\n\n## Results\n")
    assert '<h2 id="section-background">Background</h2>' in html
    assert '<h3 id="section-results">Results</h3>' in html
    assert "<h1" not in html


def test_heading_ids_cannot_collide_with_page_ids() -> None:
    assert 'id="section-search-results"' in render("# Search results\n")


def test_tables_render() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table>" in html and "<th>a</th>" in html and "<td>2</td>" in html
    assert "style=" not in html  # alignment styles are dropped by the allow-list


def test_https_mailto_and_in_page_links_survive_with_noopener() -> None:
    html = render("# Results\n\n[a](https://example.org/x) [b](mailto:team@example.org) [c](#results) [d](HTTPS://example.org/)")
    assert '<a href="https://example.org/x" rel="noopener">a</a>' in html
    assert '<a href="mailto:team@example.org" rel="noopener">b</a>' in html
    assert '<a href="#section-results" rel="noopener">c</a>' in html and 'id="section-results"' in html
    assert '<a href="HTTPS://example.org/" rel="noopener">d</a>' in html


@pytest.mark.parametrize("href", [
    "//evil.example/x", "/\\evil.example/x", "\\\\evil.example", "../other/", "/absolute", "other.html", "?q=1",
    "http://example.org", "https:/evil.example", "https:///evil.example", "https:\\\\evil.example",
    "&#32;https://example.org/", "https://exa&#9;mple.org/", "https://example.org/&#10;x", "ht&#x09;tps://example.org/",
    "&#x2F;&#x2F;evil.example", "mailto:", "mailto://evil.example", "javascript&#58;alert(1)", "#a b",
])
def test_other_links_are_unlinked_keeping_their_text(href: str) -> None:
    html = render(f'Go <a href="{href}">there</a> now.')
    assert html == "<p>Go there now.</p>", href


def test_markdown_links_of_other_kinds_are_unlinked_too() -> None:
    assert render("[a](//evil.example/) [b](../x/) [c](<https:\\\\evil.example>)") == "<p>a b c</p>"


def test_every_heading_id_is_prefixed_and_unique() -> None:
    html = render('<h2 id="main-content">Raw</h2>\n\n# Main content\n\n<h3 id="section-main-content">Again</h3>\n\n'
                  '<h4 id="a &quot;b&quot; C">Odd</h4>\n\n[to raw](#main-content)')
    ids = re.findall(r' id="([^"]*)"', html)
    assert ids == ["section-main-content", "section-main-content-2", "section-main-content-3", "section-a-b-c"]
    assert '<a href="#section-main-content" rel="noopener">to raw</a>' in html


def test_tables_scroll_in_their_own_labelled_focusable_region() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\ntext\n\n| c |\n|---|\n| 3 |\n")
    assert html.count('<div class="app-table-scroll" role="region" aria-label="Table 1" tabindex="0"><table>') == 1
    assert html.count('<div class="app-table-scroll" role="region" aria-label="Table 2" tabindex="0"><table>') == 1
    assert html.count("</table></div>") == 2
    assert "role=" not in render('<div role="region" tabindex="0" class="app-table-scroll">x</div>')  # not for authors


def test_other_schemes_lose_their_href() -> None:
    html = render("[a](http://example.org) [b](javascript:alert(1)) [c](JaVaScRiPt:alert(1)) "
                  '<a href="jav&#x61;script:alert(1)">d</a> [e](data:text/html,x) [f](vbscript:x)')
    assert "href" not in html


def test_dangerous_elements_are_removed_with_their_content() -> None:
    html = render("<script>alert(1)</script><style>p{}</style><iframe src=x>i</iframe>ok")
    assert "alert" not in html and "<style" not in html and "<iframe" not in html and "ok" in html


def test_event_handlers_and_images_are_removed() -> None:
    html = render('<details open ontoggle=alert(1)>d</details> <img src=x onerror=alert(1)> <p onclick="x()">p</p>')
    assert "ontoggle" not in html and "onerror" not in html and "onclick" not in html
    assert "<img" not in html and "<details" not in html


def test_xml_illegal_characters_are_stripped() -> None:
    assert strip_xml_illegal("a\x0bb\x00c\x1fd\ufffe") == "abcd"
    assert "\x0b" not in render("tab\x0bbed")


def test_cache_key_depends_on_the_text() -> None:
    assert body_key("a") == body_key("a")
    assert body_key("a") != body_key("b")


@pytest.mark.parametrize(("name", "value"), [
    ("ALLOWED_TAGS", markdown_render.ALLOWED_TAGS | {"img"}),
    ("ALLOWED_ATTRIBUTES", {**markdown_render.ALLOWED_ATTRIBUTES, "p": {"style"}}),
    ("URL_SCHEMES", markdown_render.URL_SCHEMES | {"http"}),
    ("REMOVE_WITH_CONTENT", markdown_render.REMOVE_WITH_CONTENT - {"script"}),
    ("RENDERER_VERSION", "0"),
])
def test_cache_key_depends_on_the_sanitiser_rules(monkeypatch: pytest.MonkeyPatch, name: str, value: object) -> None:
    before = body_key("a")
    monkeypatch.setattr(markdown_render, name, value)
    assert body_key("a") != before


def test_cache_key_depends_on_the_nh3_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = body_key("a")
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.0.1" if name == "nh3" else real(name))
    assert body_key("a") != before


TRIMMED_CASES = [
    "Plain prose with no markup at all.",
    "A line with two spaces  \nthen a break, and one with a tab\t\nand a carriage return  \r\nhere.",
    "Escapes: \\*not emphasis\\*, \\[not a link\\], \\`not code\\`.",
    "Entities &amp; &#169; &copy; and a bare & sign.",
    "Raw <b>html</b>, <https://example.org/auto>, <someone@example.org> and a < sign.",
    "![an image](https://example.org/i.png) and ![ref image][i] and ![short]\n\n[i]: https://example.org/i",
    "[a link](https://example.org) and [ref][r] and [r] and [not a ref]\n\n[r]: https://example.org/r",
    "Code `with [brackets] and *stars*` and ``double `tick` span``.",
    "**Strong**, *em*, __strong__, _em_, ***both*** and snake_case_words.",
    "| a | b |\n|---|---|\n| *x* | [y](https://example.org/y) |\n| `z` | &amp; |",
    "# Heading with *em* and [link](https://example.org)\n\n- item `code`\n- item <i>html</i>\n\n> quote & more",
    "    indented code with [brackets] and *stars* & <tags>\n\nafter",
    # Headings: without "[TOC]" in the body, the ids and levels come from _HeadingIds, not the toc extension.
    "# Same\n\n## Same\n\n### Same\n\n# Same_1\n\n# Same\n\ntext",
    "# `code` &amp; <b>bold</b>, &copy; ☃ Ünïcödé [a link](https://example.org)\n\nSetext\n======\n\nSub\n---\n\nend",
    "# \n\n# !!!\n\n###### six\n\n####### seven\n\n- # in a list\n\n> # in a quote",
    '<h2 id="section-taken">raw</h2>\n\n# Taken\n\n# Taken',
]


@pytest.mark.parametrize("text", TRIMMED_CASES)
def test_an_instance_without_the_patterns_a_body_cannot_use_gives_the_same_html(text: str) -> None:
    renderer = MarkdownRenderer()
    assert renderer.convert(text) == renderer.convert(text, trim=False)


def test_only_a_body_with_the_toc_marker_gets_a_table_of_contents() -> None:
    renderer = MarkdownRenderer()
    with_marker = renderer.convert("[TOC]\n\n# One\n\n## Two\n\ntext")
    assert '<div class="toc">' in with_marker and '<a href="#section-two">Two</a>' in with_marker
    assert "toc" not in unused_patterns("[TOC]") and "toc" in unused_patterns("# One\n\n[toc] [ TOC ]")
    without = renderer.convert("# One\n\n## Two\n\n[toc]")
    assert without == '<h2 id="section-one">One</h2>\n<h3 id="section-two">Two</h3>\n<p>[toc]</p>'


def test_trimmed_instances_give_the_same_html_on_random_markup() -> None:
    """Random mixtures of every trigger and of text around them: the trimmed and the full instance agree."""
    pieces = ["word", " ", "  \n", "\n\n", "\t", "\r\n", "*", "_", "**", "`", "``", "[", "]", "(https://example.org)",
              "![", "<", ">", "<b>", "&", "&amp;", "\\", "#", "- ", "> ", "|", "1. ", "@", "https://example.org", ":",
              "\n\n# ", "\n\n## Same\n\n", "\n===\n"]
    rng = random.Random(2017)
    renderer = MarkdownRenderer()
    trimmed_some = 0
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        assert renderer.convert(text) == renderer.convert(text, trim=False), repr(text)
        trimmed_some += bool(unused_patterns(text))
    assert trimmed_some > 100  # the comparison covered bodies that were converted by a trimmed instance
