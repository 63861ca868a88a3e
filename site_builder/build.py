"""The build pipeline: load, validate, render, index, write. Nothing is written until all is valid."""

from __future__ import annotations

import datetime as dt
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.assets import MissingAssets, load_assets
from site_builder.catalogue import PROJECTS_DIR, Catalogue, load_catalogue
from site_builder.config import load_site_config
from site_builder.data_export import data_files
from site_builder.diagnostics import Diagnostic, Report
from site_builder.docstore import DOCSTORE_PATH, build_docstore
from site_builder.feeds import feed_files
from site_builder.gc_pause import gc_paused
from site_builder.history import build_time
from site_builder.insights.changes import catalogue_log
from site_builder.insights.pdf import pdf_files
from site_builder.insights.xlsx import xlsx_files
from site_builder.output import StagedSite
from site_builder.pages import plan_pages
from site_builder.render import make_environment, render_bodies, render_pages
from site_builder.search_index import search_files
from site_builder.site import SiteData
from site_builder.views import ViewBuilder, template_globals


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    base_url: str | None = None
    jobs: int = 0
    use_cache: bool = True
    strict: bool = False
    pdf: bool = False  # also render each printable document to document.pdf (needs WeasyPrint)


@dataclass
class BuildResult:
    report: Report
    catalogue: Catalogue | None = None
    pages: int = 0
    files: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    # High-water resident memory (MiB) after each stage: this process, and the largest worker so far.
    memory: dict[str, tuple[float, float]] = field(default_factory=dict)
    bodies_rendered: int = 0

    @property
    def ok(self) -> bool:
        return self.catalogue is not None


@contextmanager
def _stage(result: BuildResult, name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    result.timings[name] = time.perf_counter() - start
    own, workers = (resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    result.memory[name] = (own, workers)


def build_site(root: Path, options: BuildOptions) -> BuildResult:
    """Build the site from the catalogue at ``root`` into ``options.out``; see :class:`BuildResult`."""
    with gc_paused():
        return _build(root, options)


def _build(root: Path, options: BuildOptions) -> BuildResult:
    result = BuildResult(Report())
    with _stage(result, "load"):
        config, problems = load_site_config(root, options.base_url)
        result.report.extend(problems)
        as_of = build_time(root)
        catalogue, report = load_catalogue(root, today=dt.date.today())
        result.report.extend(report.diagnostics)
        result.report.files_checked = report.files_checked
    if config is None or not result.report.ok(options.strict):
        return result
    try:
        assets = load_assets()
    except MissingAssets as exc:
        result.report.add(Diagnostic("node_modules", 1, 1, "error", "", str(exc), "run 'make build' once to install them"))
        return result
    log = catalogue_log(root, PROJECTS_DIR)  # one git call: the change lists and the added/updated dates
    history = log.file_dates()
    if as_of is None:  # no git, no SOURCE_DATE_EPOCH: the newest content date, never the clock
        reviewed = max((p.meta.last_reviewed for p in catalogue.projects), default=dt.date(2017, 1, 31))
        as_of = dt.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=dt.UTC)

    with _stage(result, "markdown"):
        bodies, result.bodies_rendered = render_bodies([p.body for p in catalogue.projects],
                                                       root if options.use_cache else None, options.jobs)
    with _stage(result, "views"):
        views = ViewBuilder(catalogue, config, history, as_of)
        projects = tuple(views.project(p, html) for p, html in zip(catalogue.projects, bodies, strict=True))
        site = SiteData(catalogue, config, as_of, projects, log)
        pages = plan_pages(site, pdf=options.pdf)
        extra_files = {DOCSTORE_PATH: build_docstore(site)}
    with StagedSite(options.out) as staged:  # removed again unless published
        with _stage(result, "render"):
            env = make_environment({**template_globals(config, as_of), "assets": assets.urls})
            heads = render_pages(env, pages, staged.path, options.jobs)
        with _stage(result, "data"):
            files = {**assets.files, **extra_files, **data_files(site), **feed_files(site, heads)}
        with _stage(result, "xlsx"):
            files.update(xlsx_files(site))
        with _stage(result, "index"):
            files.update(search_files(site.projects, options.jobs))
        with _stage(result, "write"):
            staged.write_all(files)
        if options.pdf:
            with _stage(result, "pdf"):
                pdfs = pdf_files(staged.path, config.base_url, [p.path for p in pages if p.template == "document.html"])
                staged.write_all(pdfs)
                files.update(pdfs)
        staged.publish()
    result.catalogue = catalogue
    result.pages = len(pages)
    result.files = len(files) + len(heads)
    return result
