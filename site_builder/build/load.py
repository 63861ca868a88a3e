"""One load path for ``check``, ``build`` and ``serve``: everything a build needs, and every problem found.

:func:`load_site` reads ``site.yaml``, the registry and vocabularies, every project file, the
front-end assets, and compiles every template. It writes nothing. ``check`` is ``load_site`` plus a
trial render of one page of each kind (:func:`trial_render`), so that a green ``check`` means a
``build`` that succeeds, as zola's ``check`` is its ``build`` without the writing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2

from site_builder.catalogue.config import load_site_config
from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.types import Catalogue
from site_builder.diagnostics.report import Diagnostic, Report
from site_builder.model.project import SiteConfig
from site_builder.outputs.assets import Assets, MissingAssets, load_assets
from site_builder.outputs.render import make_environment
from site_builder.outputs.template_cache import bytecode_cache, save_bytecode
from site_builder.outputs.template_errors import compile_templates
from site_builder.runtime.paths import TOOL_ROOT


@dataclass(frozen=True)
class LoadedSite:
    """A catalogue that loaded: its settings, projects, assets and compiled templates."""

    root: Path
    config: SiteConfig
    catalogue: Catalogue
    assets: Assets
    templates: jinja2.Environment


def load_site(root: Path, base_url: str | None = None, only: list[str] | None = None,
              today: dt.date | None = None, use_cache: bool = False, jobs: int = 0) -> tuple[LoadedSite | None, Report]:
    """Load everything a build needs. The site is ``None`` when anything failed; the report says why.

    ``use_cache`` and ``jobs``: see :func:`~site_builder.catalogue.load.load_catalogue`.
    """
    config, problems = load_site_config(root, base_url)
    catalogue, report = load_catalogue(root, only, today, use_cache=use_cache, jobs=jobs)
    report.extend(problems)
    assets: Assets | None = None
    try:
        assets = load_assets()
    except MissingAssets as exc:
        report.add(Diagnostic(f"{TOOL_ROOT.name}/node_modules", 1, 1, "error", "", str(exc),
                              "run 'make build' once to install them"))
    env = make_environment({}, bytecode_cache(root) if use_cache else None)
    report.extend(compile_templates(env))
    save_bytecode(env)
    if config is None or assets is None or report.errors:
        return None, report
    return LoadedSite(root, config, catalogue, assets, env), report


