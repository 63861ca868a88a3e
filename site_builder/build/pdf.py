"""``catalogue build --pdf``: each printable document rendered to ``document.pdf`` beside its page.

WeasyPrint lays out the built page with the site's own print styles (A4, running heads, page numbers,
a contents list whose page numbers come from ``target-counter``, and a PDF outline from the headings'
``bookmark-level``). It is an optional dependency, loaded only here and only for ``--pdf``: the HTML
build never imports it. Without it, or without the Pango libraries it needs, :class:`PdfUnavailable`
says what to install (the command exits 2).

Determinism: the title and dates come from the page (``<title>``, ``dcterms.created`` and
``dcterms.modified``, both the build time), the file identifier is a hash of the page, and the fonts
are DejaVu files named by path, never whatever fontconfig would pick on this machine. Resources are
fetched from ``file:`` URLs only, so nothing is requested from another host. The PDF is tagged
(PDF/UA-1) for screen readers.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import mimetypes
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

PDF_VARIANT = "pdf/ua-1"  # tagged PDF with a structure tree, PDF 1.7
DEBIAN_LIBRARIES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
FONT_PACKAGE = "fonts-dejavu-core"
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"), Path("/usr/share/fonts/TTF"))
# (family, weight, style, file): the document's only fonts, so every machine lays it out alike
FONT_FILES = (
    ("Catalogue Sans", "normal", "normal", "DejaVuSans.ttf"),
    ("Catalogue Sans", "bold", "normal", "DejaVuSans-Bold.ttf"),
    ("Catalogue Sans", "normal", "italic", "DejaVuSans-Oblique.ttf"),
    ("Catalogue Sans", "bold", "italic", "DejaVuSans-BoldOblique.ttf"),
    ("Catalogue Mono", "normal", "normal", "DejaVuSansMono.ttf"),
)


class PdfUnavailable(Exception):
    """WeasyPrint, its libraries or the fonts are missing: a problem with the machine, not the content."""


def load_weasyprint() -> Any:
    """The ``weasyprint`` module, or :class:`PdfUnavailable` saying what to install."""
    try:
        return importlib.import_module("weasyprint")
    except ImportError as exc:
        raise PdfUnavailable(f"--pdf needs WeasyPrint, which is not installed ({exc}); "
                             "install it with: pip install -c constraints.txt -e '.[pdf]'") from exc
    except OSError as exc:  # the Python package is there, but it cannot load Pango
        raise PdfUnavailable(f"--pdf needs the Pango libraries, which WeasyPrint cannot load ({exc}); "
                             f"on Debian or Ubuntu: apt-get install {DEBIAN_LIBRARIES}") from exc


def font_files(dirs: Sequence[Path] | None = None) -> dict[str, Path]:
    """Each font file the document uses, by name, from ``dirs`` (:data:`FONT_DIRS`); :class:`PdfUnavailable` if any is missing."""
    found: dict[str, Path] = {}
    for _, _, _, name in FONT_FILES:
        path = next((d / name for d in (FONT_DIRS if dirs is None else dirs) if (d / name).is_file()), None)
        if path is None:
            raise PdfUnavailable(f"--pdf needs the font file {name}, which is not installed; "
                                 f"on Debian or Ubuntu: apt-get install {FONT_PACKAGE}")
        found[name] = path
    return found


def font_css(files: dict[str, Path]) -> str:
    """``@font-face`` rules for :data:`FONT_FILES`, and every element set in them."""
    faces = "".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{files[name].resolve().as_uri()}"); }}\n'
        for family, weight, style, name in FONT_FILES)
    return (faces + '* { font-family: "Catalogue Sans" !important; }\n'
            'pre, code, pre *, code * { font-family: "Catalogue Mono" !important; }\n')


@contextmanager
def _quiet(logger_name: str = "weasyprint") -> Iterator[None]:
    """WeasyPrint logs a warning for each CSS feature it does not support: GOV.UK Frontend has many."""
    logger = logging.getLogger(logger_name)
    saved = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(saved)


def _site_fetcher(weasyprint: Any, base_url: str, folder: Path, fonts: set[str]) -> Any:
    """A URL fetcher that serves the site's own files from ``folder`` and the font files, and nothing else."""
    base_path = urlsplit(base_url).path

    class SiteFetcher(weasyprint.URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type hints
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url in fonts:
                return super().fetch(url, headers)
            if not url.startswith(base_url):
                raise ValueError(f"not fetched: {url} is not part of the site")
            rel = unquote(urlsplit(url).path)[len(base_path):]
            target = (folder / (rel + "index.html" if rel.endswith("/") or not rel else rel)).resolve()
            if not target.is_relative_to(folder.resolve()) or not target.is_file():
                raise ValueError(f"not fetched: {url} is not in the built site")
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, target.read_bytes(), {"Content-Type": kind})

    return SiteFetcher(allowed_protocols=("file", "https", "http"))


class PdfRenderer:
    """Renders built pages to PDF; loads WeasyPrint and checks the fonts when created.

    Pages are laid out as if at ``base_url``, so links in the PDF go to the published site, while
    stylesheets are read from the built files in ``folder``.
    """

    def __init__(self, folder: Path, base_url: str) -> None:
        self._weasyprint = load_weasyprint()
        self._fonts = importlib.import_module("weasyprint.text.fonts").FontConfiguration()
        files = font_files()
        self._fetcher = _site_fetcher(self._weasyprint, base_url, folder, {f.resolve().as_uri() for f in files.values()})
        self._css = self._weasyprint.CSS(string=font_css(files), font_config=self._fonts, url_fetcher=self._fetcher)
        self.folder, self.base_url = folder, base_url

    def render(self, page: str) -> bytes:
        """The PDF of one built HTML page (a path relative to the site root)."""
        html = (self.folder / page).read_bytes()
        with _quiet():
            document = self._weasyprint.HTML(string=html, base_url=self.base_url + page, url_fetcher=self._fetcher)
            data: bytes = document.write_pdf(
                stylesheets=[self._css], font_config=self._fonts, pdf_variant=PDF_VARIANT,
                pdf_identifier=hashlib.sha256(html).hexdigest()[:32].encode("ascii"),
            )
        return data


def pdf_files(folder: Path, base_url: str, pages: Sequence[str]) -> dict[str, bytes]:
    """``<dir>/document.pdf`` for each built page ``<dir>/index.html`` under ``folder``."""
    renderer = PdfRenderer(folder, base_url)
    return {page.removesuffix("index.html") + "document.pdf": renderer.render(page) for page in pages}
