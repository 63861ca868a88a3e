"""The live document (/document/): parts in order, every project once under its first theme, figures,
contents and organisation index agreeing with projects.json, and one document per theme above the limit."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from site_builder.outputs import compendium
from tests.golden_update import build_fixture, read_tree
from tests.test_links import FIXTURE_BASE, crawl, report

SECTION = re.compile(r'<(section|nav) class="app-document__(\w+)[^"]*"(?: aria-labelledby="([^"]+)")?')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return read_tree(build_fixture(tmp_path_factory.mktemp("document")))


def _records(site: dict[str, bytes]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(site["data/projects.json"])["projects"]
    return records


def _page(site: dict[str, bytes], path: str = "document/index.html") -> str:
    return site[path].decode("utf-8")


def _between(html: str, start: str, end: str) -> str:
    return html[html.index(start):html.index(end, html.index(start))]


def test_the_parts_come_in_order_and_every_project_once_under_its_first_theme(site: dict[str, bytes]) -> None:
    html = _page(site)
    records = _records(site)
    found = SECTION.findall(html)
    kinds = [kind for _, kind, _ in found if kind != "project"]
    assert kinds[:4] == ["cover", "part", "part", "part"]  # about, figures, contents
    assert kinds[-1] == "part" and found[-1][2] == "document-index"
    assert set(kinds[4:-1]) == {"theme"}
    current = ""
    placed: dict[str, str] = {}
    for _, kind, label in found:
        if kind == "theme":
            current = label.removeprefix("theme-")
        elif kind == "project":
            placed[label.removeprefix("project-")] = current
    assert placed == {r["slug"]: r["themes"][0] for r in records}
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_contents_list_every_project_under_each_of_its_themes(site: dict[str, bytes]) -> None:
    contents = _between(_page(site), 'id="document-contents"', "</nav>")
    listed: dict[str, set[str]] = {}
    for block in re.split(r'<h3 class="govuk-heading-s app-document__toc-theme">', contents)[1:]:
        theme = re.search(r'href="#theme-([^"]+)"', block)
        assert theme is not None
        listed[theme.group(1)] = set(re.findall(r'href="#project-([^"]+)"', block))
    expected: dict[str, set[str]] = {}
    for record in _records(site):
        for theme in record["themes"]:
            expected.setdefault(theme, set()).add(record["slug"])
    assert listed == expected


def test_headline_figures_and_the_index_agree_with_projects_json(site: dict[str, bytes]) -> None:
    html = _page(site)
    records = _records(site)
    status = _between(html, "Projects by status</caption>", "</table>")
    rows = dict(re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th><td[^>]*>(\d+)</td>', status))
    assert {label: int(n) for label, n in rows.items()} == dict(Counter(r["status_label"] for r in records))
    index = _between(html, 'id="document-index"', "</section>")
    entries = re.findall(r'<dt[^>]*>([^<]+)</dt>((?:\s*<dd.*?</dd>)*)', index, re.DOTALL)
    listed = {name.replace("&amp;", "&"): set(re.findall(r'href="#project-([^"]+)"', dds)) for name, dds in entries}
    expected: dict[str, set[str]] = {}
    for record in records:
        for name in (record["lead_name"], *record["partner_names"]):
            expected.setdefault(name, set()).add(record["slug"])
    assert listed == expected


def test_descriptions_sit_below_the_project_heading_with_unique_ids_and_working_links(site: dict[str, bytes]) -> None:
    html = _page(site)
    project = _between(html, 'aria-labelledby="project-north-shire-joint-control-room"', "</section>")
    assert re.findall(r"<h([1-6])", project) == ["3", "4", "4", "6", "6"]  # title, Facts, About, then the body's h3s as h6
    assert 'id="north-shire-joint-control-room-section-outcomes"' in project
    # a relative link in a body is unlinked (content links are https, mailto or #fragment only), its text kept
    assert "south-shire-co-responding-trial" not in project and "as it did in the South Shire co-responding trial." in project


def test_above_the_limit_each_theme_has_its_own_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compendium, "SPLIT_ABOVE", 2)  # the fixture has 4 projects
    out = build_fixture(tmp_path)
    problems = crawl(out, FIXTURE_BASE)
    assert not problems, report(problems)
    files = read_tree(out)
    records = _records(files)
    themes = sorted({t for r in records for t in r["themes"]})
    assert sorted(p.split("/")[1] for p in files if re.fullmatch(r"document/[^/]+/index\.html", p)) == themes
    whole = _page(files)
    for theme in themes:
        assert f'href="../document/{theme}/"' in whole
        page = _page(files, f"document/{theme}/index.html")
        shown = set(re.findall(r'<section class="app-document__project" aria-labelledby="project-([^"]+)"', page))
        assert shown == {r["slug"] for r in records if theme in r["themes"]}
        assert 'href="../../document/"' in page


def test_at_or_below_the_limit_there_is_one_document(site: dict[str, bytes]) -> None:
    assert len(_records(site)) <= compendium.SPLIT_ABOVE
    assert [p for p in site if p.startswith("document/")] == ["document/index.html"]
