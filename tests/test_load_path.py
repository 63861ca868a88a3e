"""One load path: ``check`` reports exactly what ``build`` would stop on, without writing anything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.outputs import render, template_errors
from site_builder.runtime.paths import TEMPLATES_DIR
from tests.helpers import VALID_PROJECT, make_catalogue, run_cli

INVALID = Path(__file__).resolve().parent / "fixtures" / "invalid"
FIXTURES = sorted(p.name for p in INVALID.glob("*.md"))
BUILD_FAILED = "build failed: the previous site was left as it was"


def diagnostics(out: str) -> list[str]:
    """The diagnostic lines of a run, without the summary and the build's closing line."""
    return [line for line in out.splitlines() if ": error: " in line or ": warning: " in line]


def check_and_build(root: Path, tmp_path: Path, *args: str) -> tuple[tuple[int, str], tuple[int, str]]:
    checked = run_cli("check", "--root", str(root), *args)
    built = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), *args)
    return checked, built


def test_check_and_build_report_the_same_diagnostics_for_every_invalid_fixture(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue", {name: (INVALID / name).read_bytes() for name in FIXTURES})
    (check_code, check_out), (build_code, build_out) = check_and_build(root, tmp_path)
    assert check_code == build_code == 1
    assert diagnostics(check_out) == diagnostics(build_out)
    assert len(diagnostics(check_out)) > len(FIXTURES)
    assert build_out.endswith(BUILD_FAILED + "\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("site_yaml", [
    "title: Catalogue\n",  # required settings missing
    "title: [unclosed\n",  # not YAML
    "title: Catalogue\ndescription: A catalogue of collaboration.\nbase_url: https://example.org/\n"
    "repository_url: https://example.org/repo\nlanguage: english\n",
])
def test_a_broken_site_yaml_fails_check_as_it_fails_build(tmp_path: Path, site_yaml: str) -> None:
    root = make_catalogue(tmp_path / "catalogue", {"kent-joint-control-room": VALID_PROJECT})
    (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    (check_code, check_out), (build_code, build_out) = check_and_build(root, tmp_path)
    assert check_code == build_code == 1
    assert diagnostics(check_out) == diagnostics(build_out)
    assert diagnostics(check_out) and all(line.startswith("site.yaml:") for line in diagnostics(check_out))


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the templates that the build uses instead of the real ones."""
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR, copy)
    monkeypatch.setattr(render, "TEMPLATES", copy)
    monkeypatch.setattr(template_errors, "TEMPLATES_DIR", copy)
    return copy


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path``; returns the line it is on."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, index) + 1


def test_a_template_typo_is_a_located_diagnostic_in_check_and_build(tmp_path: Path, templates: Path) -> None:
    line = _edit(templates / "facet.html", "{{ facet.description }}", "{{ facet.lable }}")
    root = make_catalogue(tmp_path / "catalogue", {"kent-joint-control-room": VALID_PROJECT})
    (check_code, check_out), (build_code, build_out) = check_and_build(root, tmp_path)
    assert (check_code, build_code) == (1, 1)
    expected = (f"templates/facet.html:{line}:1: error: template: 'site_builder.views.project.Facet object' has no "
                "attribute 'lable'; fix the template; 'catalogue check' shows every template error without building")
    assert diagnostics(check_out) == diagnostics(build_out) == [expected]
    assert not (tmp_path / "out").exists()


def test_a_template_syntax_error_is_located(tmp_path: Path, templates: Path) -> None:
    line = _edit(templates / "about.html", "{% block", "{% blok")
    root = make_catalogue(tmp_path / "catalogue", {"kent-joint-control-room": VALID_PROJECT})
    (check_code, check_out), (build_code, build_out) = check_and_build(root, tmp_path)
    assert (check_code, build_code) == (1, 1)
    [found] = diagnostics(check_out)
    assert found.startswith(f"templates/about.html:{line}:1: error: template: Encountered unknown tag 'blok'.")
    assert diagnostics(build_out) == [found]


def test_check_writes_nothing(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue", {"kent-joint-control-room": VALID_PROJECT})
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".cache" not in p.parts)
    code, out = run_cli("check", "--root", str(root))
    assert (code, out) == (0, "1 file checked: 0 errors, 0 warnings\n")
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".cache" not in p.parts) == before
