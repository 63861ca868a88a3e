"""catalogue build --pdf: the shipped catalogue as a PDF with every project, an outline, page numbers in
the contents, fixed metadata and tags; byte-identical twice; a clear usage error without WeasyPrint."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from site_builder.build import pdf
from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.catalogue.load import load_catalogue
from tests.golden_update import REPO
from tests.helpers import make_catalogue, run_cli

EPOCH = 1772366400  # 2026-03-01T12:00:00Z


def _require_weasyprint() -> None:
    try:
        pdf.load_weasyprint()
        pdf.font_files()
    except pdf.PdfUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{exc}: the PDF tests cannot be skipped under CI=true (.ci/run installs what they need)")
        pytest.skip(str(exc))


def _build_shipped(out: Path) -> bytes:
    result = build_site(REPO, BuildOptions(out=out, use_cache=False, jobs=1, pdf=True))
    assert result.ok, result.report.render()
    assert "pdf" in result.timings
    return (out / "document" / "document.pdf").read_bytes()


@pytest.fixture(scope="module")
def shipped_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    _require_weasyprint()
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(EPOCH)
    try:
        return _build_shipped(tmp_path_factory.mktemp("pdf") / "_site")
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _outline(reader: PdfReader, items: list[Any], depth: int = 1) -> list[tuple[int, str, int]]:
    """(level, title, page number) of every outline entry, in order."""
    found: list[tuple[int, str, int]] = []
    for item in items:
        if isinstance(item, list):
            found += _outline(reader, item, depth + 1)
        else:
            page = reader.get_destination_page_number(item)
            assert page is not None, item.title
            found.append((depth, str(item.title), page + 1))
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_the_pdf_has_every_project_and_an_outline_entry_per_theme(shipped_pdf: bytes) -> None:
    catalogue, _ = load_catalogue(REPO)
    assert catalogue is not None and catalogue.projects
    reader = PdfReader(io.BytesIO(shipped_pdf))
    text = _squash(" ".join(page.extract_text() for page in reader.pages))
    missing = [p.meta.title for p in catalogue.projects if _squash(p.meta.title) not in text]
    assert not missing, f"not in the PDF's text: {missing}"
    outline = _outline(reader, reader.outline)
    themes = {t.label for t in catalogue.registry.themes.values() if any(t.id in p.meta.themes for p in catalogue.projects)}
    assert themes <= {title for level, title, _ in outline if level == 2}
    project_entries = {title for level, title, _ in outline if level == 3}
    assert project_entries == {p.meta.title for p in catalogue.projects}
    assert len(reader.pages) > len(catalogue.projects)  # each project starts on a new sheet
    print(f"\nthe shipped catalogue's PDF: {len(reader.pages)} pages, {len(shipped_pdf) / 1024:.0f} KiB")


def test_the_contents_give_each_projects_page_number(shipped_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(shipped_pdf))
    outline = _outline(reader, reader.outline)
    contents_page = next(page for level, title, page in outline if title == "Contents")
    first_theme_page = next(page for level, title, page in outline if level == 2 and page > contents_page)
    contents = _squash(" ".join(reader.pages[n].extract_text() for n in range(contents_page - 1, first_theme_page - 1)))
    projects = [(title, page) for level, title, page in outline if level == 3]
    for title, page in projects:
        assert re.search(re.escape(_squash(title)) + r"[ .]*" + str(page) + r"\b", contents), (title, page)


def test_metadata_comes_from_the_build_time_and_the_pdf_is_tagged(shipped_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(shipped_pdf))
    info = reader.metadata
    assert info is not None
    stamp = dt.datetime.fromtimestamp(EPOCH, dt.UTC).strftime("D:%Y%m%d%H%M%SZ")
    assert (str(info["/CreationDate"]), str(info["/ModDate"])) == (stamp, stamp)
    assert str(info.title).startswith("Emergency Services Collaboration Catalogue")
    root: Any = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    uris = [annot.get_object()["/A"].get("/URI", "") for page in reader.pages for annot in page.get("/Annots", [])
            if "/A" in annot.get_object()]
    assert uris and not [u for u in uris if not u.startswith(("https://", "mailto:"))], "links to local files"


def test_two_pdf_builds_are_byte_identical(shipped_pdf: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert _build_shipped(tmp_path / "again") == shipped_pdf


@pytest.mark.parametrize(("failure", "message"), [
    (OSError("cannot load library 'libpango-1.0-0'"), "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"),
    (ImportError("No module named 'weasyprint'"), "pip install -c constraints.txt -e '.[pdf]'"),
])
def test_without_weasyprint_or_pango_pdf_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], failure: Exception,
                                                           message: str) -> None:
    def unavailable(name: str) -> Any:
        raise failure

    monkeypatch.setattr(importlib, "import_module", unavailable)
    root = make_catalogue(tmp_path / "catalogue")
    assert run_cli("build", "--root", str(root), "--pdf") == (2, "")
    assert capsys.readouterr().err.strip().endswith(message)
    assert not (root / "_site").exists()


def test_without_the_fonts_pdf_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _require_weasyprint()
    monkeypatch.setattr(pdf, "FONT_DIRS", (tmp_path / "no-fonts",))
    root = make_catalogue(tmp_path / "catalogue")
    assert run_cli("build", "--root", str(root), "--pdf")[0] == 2
    assert capsys.readouterr().err == ("catalogue: error: --pdf needs the font file DejaVuSans.ttf, which is not installed; "
                                       "on Debian or Ubuntu: apt-get install fonts-dejavu-core\n")


def test_the_html_build_never_imports_weasyprint(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    script = ("import sys; from site_builder.cli import main; code = main(['build', '--root', sys.argv[1], '--jobs', '1']); "
              "print(code, 'weasyprint' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.split()[-2:] == ["0", "False"]
