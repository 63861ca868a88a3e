"""The build pipeline: load, validate, render, index, write. Nothing is written until all is valid."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import resource
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from site_builder.build.fingerprint import tool_fingerprint
from site_builder.build.incremental import KeyMaker, render_changed
from site_builder.build.load import LoadedSite, load_site
from site_builder.build.output_cache import OutputCache
from site_builder.build.pdf import pdf_files
from site_builder.build.progress import Progress
from site_builder.build.safe_paths import guard
from site_builder.build.staging import StagedSite
from site_builder.build.stamp import BuildStamps
from site_builder.catalogue.changes import catalogue_log
from site_builder.catalogue.history import build_time
from site_builder.catalogue.types import PROJECTS_DIR, Catalogue
from site_builder.diagnostics.report import Diagnostic, Report
from site_builder.insights.model import insights_store
from site_builder.insights.similar import similar_store
from site_builder.outputs.data import Records, data_files, export_records
from site_builder.outputs.feeds import feed_files
from site_builder.outputs.page import Page
from site_builder.outputs.pages import plan_pages
from site_builder.outputs.render import TEMPLATES, render_bodies
from site_builder.outputs.sections import DOCUMENT_TEMPLATE, DocumentSections, ListItems
from site_builder.outputs.template_errors import trial_render
from site_builder.runtime.gc_pause import gc_paused, return_free_memory
from site_builder.runtime.parallel import Background
from site_builder.search.docstore import docstore_files
from site_builder.search.index import search_files
from site_builder.site.data import SiteData
from site_builder.text.file_access import recording_reads
from site_builder.text.memo_store import remove_obsolete
from site_builder.views.project import ViewBuilder, template_globals

# The search index is built beside the render and data stages when at most one project in this many changed.
INDEX_BESIDE_SHARE = 10


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    base_url: str | None = None
    jobs: int = 0
    use_cache: bool = True
    strict: bool = False
    pdf: bool = False  # also render each printable document to document.pdf (needs WeasyPrint)
    keep_site: bool = False  # serve: always load, so the result holds the site in memory (no build-stamp shortcut)
    progress: Progress = field(default_factory=Progress, compare=False)


@dataclass
class Shown:
    """What the progress display says of a stage when it ends."""

    done: int = 0
    detail: str = ""


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
    pages_rendered: int = 0
    sections_rendered: int = 0  # projects' sections of the printable documents (outputs/sections.py)
    projects: int = 0
    up_to_date: bool = False  # nothing had changed since the last build: nothing was done (build/stamp.py)
    loaded: LoadedSite | None = field(default=None, repr=False, compare=False)  # what was built, for serve's previews
    site: SiteData | None = field(default=None, repr=False, compare=False)
    progress: Progress = field(default_factory=Progress, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.catalogue is not None or self.up_to_date


@contextmanager
def _stage(result: BuildResult, name: str, total: int = 0, unit: str = "files") -> Iterator[Shown]:
    start = time.perf_counter()
    shown = Shown(total)
    result.progress.start(name, total, unit)
    yield shown
    if shown.done >= 0:  # -1: the stage failed, and the report says why
        result.progress.finish(name, shown.done, unit, shown.detail)
    result.timings[name] = result.timings.get(name, 0.0) + time.perf_counter() - start  # a stage may come twice (write)
    own, workers = (resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    result.memory[name] = (own, workers)


def build_site(root: Path, options: BuildOptions) -> BuildResult:
    """Build the site from the catalogue at ``root`` into ``options.out``; see :class:`BuildResult`.

    Content problems are reported in the result; a bad ``SOURCE_DATE_EPOCH`` raises
    :class:`~site_builder.environment.EnvironmentProblem` before anything is read or written.
    It also raises ``UnsafeOutput`` if ``options.out`` is not a folder the build may replace, ``OutputError``
    if the site cannot be written, and ``Stopped`` on SIGINT or SIGTERM (see build/staging.py, build/stopping.py).
    """
    with gc_paused():
        return _build(root, options)


def _prepare(loaded: LoadedSite, as_of: dt.datetime | None, use_cache: bool, jobs: int,
             result: BuildResult, pdf: bool = False) -> tuple[SiteData, list[Page]]:
    """Markdown, view models and the page plan: everything rendering needs, in memory."""
    root, catalogue, config = loaded.root, loaded.catalogue, loaded.config
    log = catalogue_log(root, PROJECTS_DIR)  # one git call: the change lists and the added/updated dates
    history = log.file_dates()
    if as_of is None:  # no git, no SOURCE_DATE_EPOCH: the newest content date, never the clock
        reviewed = max((p.meta.last_reviewed for p in catalogue.projects), default=dt.date(2017, 1, 31))
        as_of = dt.datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=dt.UTC)
    count = len(catalogue.projects)
    with _stage(result, "markdown", count, "bodies") as shown:
        bodies, result.bodies_rendered = render_bodies([p.body for p in catalogue.projects],
                                                       root if use_cache else None, jobs)
        shown.detail = f"{result.bodies_rendered:,} rendered, {count - result.bodies_rendered:,} from the cache" if use_cache else ""
    with _stage(result, "views", count, "projects"):
        views = ViewBuilder(catalogue, config, history, as_of)
        projects = tuple(views.project(p, html) for p, html in zip(catalogue.projects, bodies, strict=True))
        keys = tuple(views.input_key(p, html) for p, html in zip(catalogue.projects, bodies, strict=True)) if use_cache else ()
        site = SiteData(catalogue, config, as_of, projects, log, similar_store(root) if use_cache else None, keys, jobs,
                        insights_store(root) if use_cache else None)
        pages = plan_pages(site, pdf=pdf)
    loaded.templates.globals.update({**template_globals(config, as_of), "assets": loaded.assets.urls,
                                     "project_section": DocumentSections(loaded.templates),
                                     "project_item": ListItems(loaded.templates)})
    return site, pages


def _workbook(site: SiteData, records: Records, cache_root: Path | None) -> dict[str, bytes]:
    from site_builder.outputs.xlsx import xlsx_files  # noqa: PLC0415  # openpyxl: imported in the worker that makes the workbook, not by every command

    return xlsx_files(site, records, cache_root)


def _key_maker(loaded: LoadedSite, site: SiteData, cache: OutputCache | None, cache_root: Path | None) -> KeyMaker | None:
    """The build's page keys, with the digests of the views that did not change taken from the cache."""
    maker = KeyMaker(loaded.templates, cache.fingerprint) if cache is not None else None
    if maker is not None and cache_root is not None and site.view_keys:
        maker.recall(cache_root, site.projects, site.view_keys)
    return maker


def _index_jobs(site: SiteData, maker: KeyMaker | None, jobs: int) -> int:
    """The search index's processes: 0 or ``jobs`` to build it beside the render and data stages, 1 to build it after.

    Beside them when few projects changed (as after an edit): the index then has little to do, and the
    render stage, mostly the page keys in this process, leaves a core free. After them otherwise, so
    that a cold build does not hold the index's memory and the render workers' at once.
    """
    few = maker is not None and bool(site.view_keys) and maker.views_to_walk * INDEX_BESIDE_SHARE <= len(site.projects)
    return jobs if few else 1


def _render(loaded: LoadedSite, site: SiteData, pages: list[Page], staged: StagedSite, cache: OutputCache | None,
            maker: KeyMaker | None, cache_root: Path | None, jobs: int, result: BuildResult) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """The pages that changed (all without a cache): their ``<head>``s, and the templates' problems."""
    sections = cast(DocumentSections, loaded.templates.globals["project_section"])

    def prepare(todo: Sequence[Page]) -> int:  # each project's section, once, when a document is to be rendered
        if not any(page.template == DOCUMENT_TEMPLATE for page in todo):
            return 0
        keys = [maker.value("section", p) for p in site.projects] if maker is not None else None
        return sections.prepare(site.projects, keys, cache_root, jobs)

    rendered = render_changed(loaded.templates, pages, staged.path, jobs, cache, result.progress.advance, maker, prepare)
    result.pages_rendered, result.sections_rendered = rendered.pages, rendered.prepared
    staged.contents.update({path: rendered.hashes.get(path) for path in rendered.heads})
    if maker is not None:
        maker.remember()
    sections.release()
    return rendered.heads, rendered.problems


def _write(result: BuildResult, staged: StagedSite, files: dict[str, bytes], cache: OutputCache | None) -> int:
    """Write ``files`` into the staging folder (the "write" stage, which may come more than once); how many."""
    with _stage(result, "write", len(files)):
        staged.write_all(files, cache)
    return len(files)


def check_site(root: Path, only: list[str] | None = None, strict: bool = False) -> Report:
    """``catalogue check``: the build's load path, then a trial render of each kind of page; nothing is written."""
    with gc_paused():
        loaded, report = load_site(root, only=only, use_cache=True)
        if loaded is not None and report.ok(strict):
            _, pages = _prepare(loaded, None, True, 0, BuildResult(report))
            report.extend(trial_render(loaded.templates, pages))
    return report


def _build(root: Path, options: BuildOptions) -> BuildResult:
    guard(options.out, root)  # before any work: the output must be a folder the build may replace
    result = BuildResult(Report())
    result.progress = options.progress
    try:
        return _build_stages(root, options, result)
    finally:
        result.progress.close()


def _stamps(root: Path, options: BuildOptions) -> BuildStamps | None:
    settings = (f"base_url={options.base_url!r}", f"strict={options.strict}", f"pdf={options.pdf}")
    return BuildStamps.open(root, options.out, tool_fingerprint(TEMPLATES), settings, dt.date.today().isoformat())


def _build_stages(root: Path, options: BuildOptions, result: BuildResult) -> BuildResult:
    as_of = build_time(root)  # first: a bad SOURCE_DATE_EPOCH stops the build before any work (EnvironmentProblem)
    stamps = _stamps(root, options) if options.use_cache else None
    if stamps is not None and not options.keep_site:
        with _stage(result, "unchanged", 0, "input files") as shown:
            stamp = stamps.unchanged(root, options.out)
            shown.done = len(stamp.reads) if stamp else -1
        if stamp is not None:  # every input as it was, the site untouched: nothing to do
            result.report, result.pages, result.files, result.projects = stamp.report, stamp.pages, stamp.files, stamp.projects
            result.up_to_date = True
            return result
    with recording_reads() as reads, _stage(result, "load", 0, "project files") as shown:
        loaded, result.report = load_site(root, options.base_url, use_cache=options.use_cache, jobs=options.jobs)
        ok = loaded is not None and result.report.ok(options.strict)
        shown.done = result.report.files_checked if ok else -1
    if loaded is None or not result.report.ok(options.strict):
        return result
    site, pages = _prepare(loaded, as_of, options.use_cache, options.jobs, result, options.pdf)
    cache = OutputCache.open(root, tool_fingerprint(TEMPLATES)) if options.use_cache else None
    cache_root = root if options.use_cache else None  # where the stages keep what they computed
    maker = _key_maker(loaded, site, cache, cache_root)
    index = Background(functools.partial(search_files, site.by_title, options.jobs, cache_root),
                       _index_jobs(site, maker, options.jobs))  # one job: built when its result is asked for
    # The staging folder refuses a folder it did not make, and is removed again unless published.
    with index, StagedSite(options.out, root) as staged:
        with _stage(result, "render", len(pages), "pages") as shown:
            heads, problems = _render(loaded, site, pages, staged, cache, maker, cache_root, options.jobs, result)
            done = result.pages_rendered
            shown.detail = f"{done:,} rendered, {len(pages) - done:,} from the cache" if cache is not None else ""
        if problems:
            result.report.extend(problems)
            return result
        with contextlib.ExitStack() as background:  # stops the workbook's process if the build stops before its result
            with _stage(result, "data") as shown:
                records = export_records(site, cache_root)
                # The workbook is made in a forked process from here on, while the rest is done here.
                job = Background(functools.partial(_workbook, site, records, cache_root), options.jobs)
                workbook_job = background.enter_context(job)
                files = {**loaded.assets.files, **docstore_files(site, cache_root), **data_files(site, records),
                         **feed_files(site, heads, cache_root)}
                del records  # the workbook's process has them
                shown.done = len(files)
            written = _write(result, staged, files, cache)  # now, not with the rest: the peak memory is lower without them
            del files
            return_free_memory()  # what the data stage freed, before the index is built here (when not beside)
            with _stage(result, "index") as shown:
                files = cast(dict[str, bytes], index.result())
                shown.done = len(files)
            with _stage(result, "xlsx", unit="workbooks") as shown:
                workbook = cast(dict[str, bytes], workbook_job.result())
                files.update(workbook)
                shown.done = len(workbook)
        written += _write(result, staged, files, cache)
        if options.pdf:
            with _stage(result, "pdf"):
                pdfs = pdf_files(staged.path, loaded.config.base_url, [p.path for p in pages if p.template == "document.html"])
                staged.write_all(pdfs)
                written += len(pdfs)
        staged.publish()
        published = staged.published_files(cache)
        if cache is not None:
            cache.save()
            remove_obsolete(root)
    result.catalogue = loaded.catalogue
    result.pages = len(pages)
    result.files = written + len(heads)
    result.projects = len(loaded.catalogue.projects)
    result.loaded, result.site = loaded, site
    if stamps is not None:
        stamps.record(options.out, reads, result.report, result.pages, result.files, result.projects, published)
    return result
