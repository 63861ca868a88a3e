"""Open data: every project as JSON (one file for all, one per project) and as CSV for spreadsheets.

The exports are data, not pages: text is exported as written (the description is its Markdown source),
never rendered. Two defences make that safe to publish:

- JSON escapes ``<``, ``>`` and ``&`` (and U+2028/U+2029) as ``\\uXXXX``, so no JSON file contains
  markup even if a consumer pastes it into an HTML page or a ``<script>`` block; ``json.loads``
  returns the exact text.
- CSV cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
  or carriage return) are prefixed with ``'``.

Characters that XML 1.0 forbids (a vertical tab pasted from Word, say) are removed from every string.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

from site_builder.catalogue.rules import STALE_AFTER_MONTHS
from site_builder.catalogue.types import Project
from site_builder.outputs.export_cache import code_version, open_store
from site_builder.outputs.markdown import strip_xml_illegal
from site_builder.runtime.jsonio import html_safe, json_text, plain_json
from site_builder.runtime.parallel import shared
from site_builder.site.data import SiteData
from site_builder.text.memo_store import kept_or_made
from site_builder.views.project import ProjectView

FORMAT_VERSION = 1
LIST_SEPARATOR = "; "
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# CSV columns, in order. Every front-matter field is here (tests/test_data_export.py checks).
CSV_COLUMNS = (
    "slug", "title", "summary", "status", "status_label", "lead", "lead_name", "partners", "partner_names",
    "services", "service_labels", "regions", "region_labels", "themes", "theme_labels", "started", "ended",
    "scope", "formal_agreement", "funding", "costs_gbp", "savings_gbp_per_year", "benefits", "lessons",
    "evaluation_kind", "evaluation_url", "evaluation_summary", "enablers", "enabler_labels", "barriers",
    "barrier_labels", "contact_role", "contact_email", "contact_organisation", "contact_organisation_name",
    "links", "last_reviewed", "stale", "added", "updated", "aliases", "url", "json_url", "edit_url",
    "source_path", "body",
)
# Fields each record has beyond the front matter, with what they mean (for the /data/ page).
DERIVED_FIELDS: tuple[tuple[str, str], ...] = (
    ("slug", "The project's id: its file name without '.md'."),
    ("url", "Address of the project's page."),
    ("json_url", "Address of the project's own JSON file."),
    ("edit_url", "Where to propose a change to the project file."),
    ("source_path", "The project file in the repository."),
    ("status_label", "The status as shown on the site."),
    ("lead_name", "Name of the lead organisation."),
    ("partner_names", "Names of the partner organisations, in the same order as partners."),
    ("services", "Kinds of organisation involved (police, fire, ambulance, ...), from the organisation register."),
    ("service_labels", "The kinds of organisation as shown on the site."),
    ("regions", "Ids of the regions the organisations involved cover."),
    ("region_labels", "Names of those regions."),
    ("theme_labels", "Themes as shown on the site, in the same order as themes."),
    ("enabler_labels", "Enablers as shown on the site, in the same order as enablers."),
    ("barrier_labels", "Barriers as shown on the site, in the same order as barriers."),
    ("contact.organisation_name", "Name of the contact's organisation (contact_organisation_name in the CSV)."),
    ("stale", f"true when the entry was last reviewed {STALE_AFTER_MONTHS} months or more before the data was generated."),
    ("added", "When the project file was first published (date and time, UTC)."),
    ("updated", "When the project file last changed (date and time, UTC)."),
    ("body", "The description, as the Markdown written in the project file."),
)
_NESTED = {"evaluation": ("kind", "url", "summary"), "contact": ("role", "email", "organisation", "organisation_name")}
# How plain_json writes the characters strip_xml_illegal removes: \b, \f and \u00XX for the control
# characters, U+007F, U+FFFE and U+FFFF as they are. (Lone surrogates too, and UTF-8 cannot encode those.)
# A record whose JSON has none of these has nothing to clean; a false alarm (a "\\b" written in a body)
# only takes the slow path.
_DIRTY_IN_JSON = ("\\u00", "\\b", "\\f", "\x7f", "\ufffe", "\uffff")
_BOM = "\ufeff".encode()


class Records:
    """Every project's record, sorted by slug, each as the JSON of its file (no final newline) and as its
    line of ``projects.csv`` (UTF-8, ending in CRLF).

    Made once per build, by :func:`export_records`, for the JSON and CSV files and the workbook. The
    records themselves (plain data) are made by ``make`` (by position) only when asked for: the JSON
    and CSV lines of most of them come from the cache, and only the workbook's rows that are not cached
    need records.
    """

    def __init__(self, slugs: Sequence[str], json: Sequence[bytes], csv: Sequence[bytes],
                 make: Callable[[int], dict[str, Any]]) -> None:
        self.slugs = tuple(slugs)
        self.json = tuple(json)
        self.csv = tuple(csv)
        self.records = _Lazy(len(self.slugs), make)


class _Lazy(Sequence[dict[str, Any]]):
    """``count`` records, each made by ``make`` the first time it is asked for."""

    def __init__(self, count: int, make: Callable[[int], dict[str, Any]]) -> None:
        self._items: list[dict[str, Any] | None] = [None] * count
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._items)))]
        item = self._items[index]
        if item is None:
            item = self._items[index] = self._make(index)
        return item


def iso_datetime(value: dt.datetime) -> str:
    """A timezone-aware datetime as RFC 3339 in UTC: ``2026-03-01T12:00:00Z``."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _clean(value: Any) -> Any:
    """``value`` with XML-illegal characters removed from every string in it."""
    if isinstance(value, str):
        return strip_xml_illegal(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def _labels(refs: Iterable[Any]) -> list[str]:
    return [ref.label for ref in refs]


def project_record(project: Project, view: ProjectView, base_url: str) -> dict[str, Any]:
    """One project as plain data: every front-matter field, the derived fields and registry labels."""
    return _record_json(_uncleaned_record(project, view, base_url))[0]


def _uncleaned_record(project: Project, view: ProjectView, base_url: str) -> dict[str, Any]:
    record: dict[str, Any] = project.meta.model_dump(mode="json")
    for name in ("partners", "themes", "funding", "benefits", "lessons", "enablers", "barriers", "links", "aliases"):
        record[name] = record.get(name) or []  # lists are always lists, never null
    if record.get("contact"):
        record["contact"]["organisation_name"] = view.contact.get("organisation", "")
    record.update({
        "slug": view.slug,
        "url": base_url + view.url,
        "json_url": base_url + view.json_url,
        "edit_url": view.edit_url,
        "source_path": view.source_path,
        "status_label": view.status.label,
        "lead_name": view.lead.label,
        "partner_names": _labels(view.partners),
        "services": [ref.id for ref in view.services],
        "service_labels": _labels(view.services),
        "regions": [ref.id for ref in view.regions],
        "region_labels": _labels(view.regions),
        "theme_labels": _labels(view.themes),
        "enabler_labels": _labels(view.enablers),
        "barrier_labels": _labels(view.barriers),
        "stale": view.stale,
        "added": iso_datetime(view.added),
        "updated": iso_datetime(view.updated),
        "body": project.body,
    })
    return record


def project_records(site: SiteData) -> list[dict[str, Any]]:
    """Every project's record, sorted by slug."""
    return list(export_records(site).records)


def export_records(site: SiteData, cache_root: Path | None = None) -> Records:
    """Every project's record, its JSON and CSV line, sorted by slug; kept in ``cache_root``'s ``.cache/records.pickle``.

    The JSON and the CSV line are kept under the view's input key (``SiteData.view_keys``): a digest
    of the project's file, the registry, the code, its dates and the settings, which are all a record
    is made of. The others are made on ``site.jobs`` processes. The records themselves are not kept:
    the workbook's process makes those it needs again (:class:`Records`), for its rows that are not
    cached. Without keys (no parse cache) every record is made.
    """
    order = sorted(range(len(site.projects)), key=lambda i: site.projects[i].slug)
    pairs = [(site.catalogue.projects[i], site.projects[i]) for i in order]
    keys = [site.view_keys[i] for i in order] if len(site.view_keys) == len(site.projects) else [None] * len(order)
    store = open_store(cache_root, "records", code_version()) if any(keys) else None
    base_url = site.config.base_url

    def make(number: int) -> dict[str, Any]:
        return _record_json(_uncleaned_record(*pairs[number], base_url))[0]

    with shared(_work, pairs=pairs, base_url=base_url):  # a cold build's on all cores
        kept = kept_or_made(store, keys, _is_text_and_row, _text_and_row, site.jobs)
    if store is not None and store.changed():  # a build that made no record and dropped none writes nothing
        store.save()
    return Records([view.slug for _, view in pairs], [k[0] for k in kept], [k[1] for k in kept], make)


_work: dict[str, Any] = {}  # what forked workers read: set before they fork, cleared after


def _is_text_and_row(kept: Any) -> bool:
    return isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], bytes) and isinstance(kept[1], bytes)


def _text_and_row(number: int) -> tuple[bytes, bytes]:
    """The JSON and CSV line of the record of ``_work["pairs"][number]`` (in a forked worker, or here)."""
    project, view = _work["pairs"][number]
    record, text = _record_json(_uncleaned_record(project, view, _work["base_url"]))
    return text, csv_line(csv_row(record))


def _record_json(record: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """``record`` with XML-illegal characters removed, and its JSON; the scan of every string only when needed."""
    text = plain_json(record)
    if not any(mark in text for mark in _DIRTY_IN_JSON):
        try:
            return record, html_safe(text).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            pass
    record = dict(_clean(record))
    return record, json_text(record).encode("utf-8")


def projects_document(site: SiteData, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole catalogue: a small header and the projects."""
    return {
        "version": FORMAT_VERSION,
        "title": strip_xml_illegal(site.config.title),
        "url": site.config.base_url,
        "generated": iso_datetime(site.as_of),
        "count": len(records),
        "projects": records,
    }


# --- CSV -----------------------------------------------------------------------------------------

def neutralise_formula(cell: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (OWASP "CSV injection")."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def cell_text(value: Any) -> str:
    """A value as CSV text: lists joined with :data:`LIST_SEPARATOR`, booleans as true/false, null as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(cell_text(v) for v in value)
    return str(value)


def _funding_text(item: Mapping[str, Any]) -> str:
    year = f" ({item['year']})" if item.get("year") is not None else ""
    return f"{item['source']}: £{item['amount_gbp']:,}{year}"


def csv_row(record: Mapping[str, Any]) -> list[str]:
    """One record flattened into the cells of :data:`CSV_COLUMNS`, formula-like cells neutralised."""
    return [neutralise_formula(cell_text(value)) for value in flat_values(record)]


def flat_values(record: Mapping[str, Any]) -> list[Any]:
    """One record's values in :data:`CSV_COLUMNS` order: funding and links as text, nested fields spread out."""
    flat: dict[str, Any] = dict(record)
    flat["funding"] = [_funding_text(item) for item in record["funding"]]
    flat["links"] = [f"{link['title']} <{link['url']}>" for link in record["links"]]
    for name, keys in _NESTED.items():
        nested = record.get(name) or {}
        for key in keys:
            flat[f"{name}_{key}"] = nested.get(key)
    return [flat.get(column) for column in CSV_COLUMNS]


def csv_line(cells: Sequence[str]) -> bytes:
    """One line of ``projects.csv``: the default dialect (minimal quoting, CRLF), as UTF-8.

    Written here rather than by ``csv.writer``, which takes most of a record's time on a long description
    (it looks at every character): a cell is quoted when it holds a comma, a quote, CR or LF, with its
    quotes doubled, exactly as the default dialect does. ``projects_csv`` writes the whole file with
    ``csv.writer``, and the tests hold the two to the same bytes.
    """
    if len(cells) == 1 and not cells[0]:
        return b'""\r\n'  # the default dialect's one case beyond these: a row of one empty cell
    return (",".join([_quoted(cell) for cell in cells]) + "\r\n").encode("utf-8")


def _quoted(cell: str) -> str:
    if "," in cell or '"' in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def projects_csv(records: Iterable[Mapping[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads it as UTF-8), CRLF line endings, a header row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)  # the default dialect: minimal quoting, \r\n line endings
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(record) for record in records)
    return buffer.getvalue().encode("utf-8-sig")


def csv_file(lines: Sequence[bytes]) -> bytes:
    """:func:`projects_csv` from the records' lines (:attr:`Records.csv`), without writing them again."""
    return b"".join((_BOM, csv_line(CSV_COLUMNS), *lines))


def projects_json(site: SiteData, texts: Sequence[bytes]) -> bytes:
    """``data/projects.json`` from the records' JSON: :func:`projects_document`, without serialising them again."""
    header = projects_document(site, [])
    header["count"] = len(texts)
    before, marker, after = json_text(header).partition('"projects":[]')  # the first key after count and generated
    return b"".join(((before + marker[:-1]).encode("utf-8"), b",".join(texts), (marker[-1] + after + "\n").encode("utf-8")))


def data_files(site: SiteData, records: Records | None = None) -> dict[str, bytes]:
    """``data/projects.json``, ``data/projects.csv`` and ``data/projects/<slug>.json``."""
    records = export_records(site) if records is None else records
    files = {"data/projects.json": projects_json(site, records.json), "data/projects.csv": csv_file(records.csv)}
    for slug, text in zip(records.slugs, records.json, strict=True):
        files[f"data/projects/{slug}.json"] = text + b"\n"
    return files
