"""Whole builds: reproducible, atomic on failure, prefix-safe, the same on any number of workers, cached."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.catalogue.load import load_catalogue
from site_builder.outputs.markdown import body_key
from site_builder.outputs.render import CACHE_NAME, markdown_version
from site_builder.text.memo_store import STORE_VERSION
from tests.golden_update import build_fixture, fixture_environment, read_tree
from tests.helpers import VALID_PROJECT, make_catalogue, run_cli, synthetic_catalogue
from tests.test_links import PageParser, crawl, report

CACHE_FILE = f".cache/{CACHE_NAME}.pickle"

SUB_PATH = "https://example.org/sub/path/"


def test_two_builds_of_the_same_catalogue_are_byte_identical(tmp_path: Path) -> None:
    first = read_tree(build_fixture(tmp_path / "one"))
    second = read_tree(build_fixture(tmp_path / "two"))
    assert sorted(first) == sorted(second)
    assert [path for path in sorted(first) if first[path] != second[path]] == []
    assert not [path for path, data in first.items() if str(tmp_path).encode() in data], "output names the build folder"


def test_a_failed_build_exits_1_and_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    code, output = run_cli("build", "--root", str(root), "--jobs", "1")
    assert code == 0, output
    site = root / "_site"
    before = read_tree(site)
    stats = {path: (site / path).stat().st_mtime_ns for path in before}
    assert "projects/kent-joint-control-room/index.html" in before

    broken = VALID_PROJECT.replace("status: operational", "status: finished").replace("Kent joint", "Kent other")
    (root / "content" / "projects" / "broken-project.md").write_text(broken, encoding="utf-8")
    (root / "content" / "projects" / "kent-joint-control-room.md").write_text(
        VALID_PROJECT.replace("beside the police", "CHANGED"), encoding="utf-8")
    code, output = run_cli("build", "--root", str(root), "--jobs", "1")
    assert code == 1
    assert "content/projects/broken-project.md:4:9: error: status:" in output
    assert "build failed: the previous site was left as it was" in output
    assert read_tree(site) == before
    assert {path: (site / path).stat().st_mtime_ns for path in before} == stats
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("._site")) == []  # no staging folders left behind


def test_a_path_prefix_keeps_every_internal_link_relative_and_working(tmp_path: Path) -> None:
    out = build_fixture(tmp_path, base_url=SUB_PATH)
    problems = crawl(out, SUB_PATH)
    assert not problems, report(problems)
    absolute = []
    for path, data in read_tree(out).items():
        if not path.endswith(".html"):
            continue
        parser = PageParser()
        parser.feed(data.decode("utf-8"))
        for ref in parser.page.references:
            if ref.tag == "link" and ref.attribute == "href" and ref.value.startswith(SUB_PATH):
                continue  # canonical and feed links are absolute by design
            if path == "404.html":  # served at any depth, so it links from the root path
                if ref.value.startswith("/") and not ref.value.startswith("/sub/path/"):
                    absolute.append(f"{path}: {ref.value}")
            elif ref.value.startswith(("/", SUB_PATH, "https://example.org/")):
                absolute.append(f"{path}: {ref.value}")
    assert not absolute, "internal links must be relative:\n" + "\n".join(absolute[:20])
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SUB_PATH}projects/north-shire-joint-control-room/</loc>" in sitemap
    assert f'href="{SUB_PATH}feed.xml"' in (out / "feed.xml").read_text(encoding="utf-8")
    assert f"Sitemap: {SUB_PATH}sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")


def test_one_worker_and_two_workers_give_identical_sites(tmp_path: Path) -> None:
    """220 projects, so rendering really is split between two forked workers (100 items each at least)."""
    root = synthetic_catalogue(tmp_path / "catalogue", 220, tmp_path)
    sites = {}
    with fixture_environment(tmp_path):
        for jobs in (1, 2):
            result = build_site(root, BuildOptions(out=tmp_path / f"site-{jobs}", jobs=jobs, use_cache=False))
            assert result.ok, result.report.render()
            assert result.bodies_rendered == 220
            sites[jobs] = read_tree(tmp_path / f"site-{jobs}")
    assert sorted(sites[1]) == sorted(sites[2])
    assert [path for path in sorted(sites[1]) if sites[1][path] != sites[2][path]] == []
    assert len([p for p in sites[1] if re.fullmatch(r"projects/synthetic-project-\d+/index.html", p)]) == 220


def test_the_markdown_cache_is_reused_and_invalidated_by_a_changed_body(tmp_path: Path) -> None:
    second = VALID_PROJECT.replace("Kent joint control room", "Kent second control room").replace("The fire", "The second fire")
    root = make_catalogue(tmp_path / "catalogue", {"kent-joint-control-room": VALID_PROJECT, "kent-second": second})
    options = BuildOptions(out=tmp_path / "site", jobs=1)
    with fixture_environment(tmp_path):
        assert build_site(root, options).bodies_rendered == 2
        cached = build_site(root, options)
        assert cached.ok and cached.bodies_rendered == 0
        page = tmp_path / "site" / "projects" / "kent-second" / "index.html"
        assert "beside the police control room" in page.read_text(encoding="utf-8")

        (root / "content" / "projects" / "kent-second.md").write_text(
            second.replace("beside the police control room", "next to the **ambulance** desk"), encoding="utf-8")
        changed = build_site(root, options)
        assert changed.ok and changed.bodies_rendered == 1
        assert "next to the <strong>ambulance</strong> desk" in page.read_text(encoding="utf-8")
        assert build_site(root, BuildOptions(out=tmp_path / "site", jobs=1, use_cache=False)).bodies_rendered == 2


def test_a_planted_markdown_cache_is_never_used(tmp_path: Path) -> None:
    """A cache file force-added in a pull request, holding hostile HTML under the body's real key: its
    signature fails (it was not made with this user's key), so the body is rendered again and nothing
    of the planted entry reaches the page. The authentic cache is used: the test can fail."""
    root = make_catalogue(tmp_path / "catalogue")
    options = BuildOptions(out=tmp_path / "site", jobs=1)
    with fixture_environment(tmp_path):
        assert build_site(root, options).bodies_rendered == 1
        assert build_site(root, BuildOptions(out=tmp_path / "again", jobs=1)).bodies_rendered == 0
        key = body_key(load_catalogue(root)[0].projects[0].body)
        hostile = ('<meta http-equiv="refresh" content="0;url=https://evil.example/">'
                   '<script>window.__pwned = 1</script><p onclick="x()">POISONED</p>')
        planted = pickle.dumps((STORE_VERSION, markdown_version(), {key: hostile}))
        (root / CACHE_FILE).write_bytes(b"0" * 64 + b"\n" + planted)
        result = build_site(root, BuildOptions(out=tmp_path / "fresh", jobs=1))  # as CI would, into a new folder
    assert result.ok and result.bodies_rendered == 1
    page = (tmp_path / "fresh/projects/kent-joint-control-room/index.html").read_text(encoding="utf-8")
    for text in ("POISONED", "refresh", "__pwned", "onclick"):
        assert text not in page, text


def test_the_build_command_says_what_it_built(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    code, out = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"))
    assert code == 0
    assert out.endswith(f"pages for 1 project into {tmp_path / 'out'}\n")


def test_each_stage_reports_its_time_and_memory_high_water_mark(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    result = build_site(root, BuildOptions(out=tmp_path / "out", use_cache=False))
    assert result.ok
    # the data files are written before the index is built (less memory), the index and the workbook after it
    assert list(result.timings) == ["load", "markdown", "views", "render", "data", "write", "index", "xlsx"]
    assert list(result.memory) == list(result.timings)
    in_order = ["load", "markdown", "views", "render", "data", "index", "xlsx", "write"]  # write: after its last time
    mains = [result.memory[stage][0] for stage in in_order]
    assert mains == sorted(mains) and mains[0] > 0  # a high-water mark never goes down


def test_a_bad_base_url_on_the_command_line_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    code, out = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), "--base-url", "https://x.example.com/a?b=1#frag")
    assert (code, out) == (2, "")  # not blamed on site.yaml: no diagnostic, no "build failed"
    assert capsys.readouterr().err == ("catalogue: error: --base-url: expected an http:// or https:// address with no query or "
                                       "fragment ('?' or '#'), found 'https://x.example.com/a?b=1#frag'; remove '?b=1#frag': "
                                       "write https://x.example.com/a/\n")
    assert not (tmp_path / "out").exists()
