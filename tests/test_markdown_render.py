"""Project bodies: Markdown features we promise, and the allow-list that keeps them safe."""

from __future__ import annotations

from site_builder.outputs.markdown import MarkdownRenderer, body_key, strip_xml_illegal


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


def test_https_mailto_and_relative_links_survive_with_noopener() -> None:
    html = render("[a](https://example.org/x) [b](mailto:team@example.org) [c](../other/)")
    assert '<a href="https://example.org/x" rel="noopener">a</a>' in html
    assert '<a href="mailto:team@example.org" rel="noopener">b</a>' in html
    assert '<a href="../other/" rel="noopener">c</a>' in html


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
