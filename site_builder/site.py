"""SiteData: everything the page planner, data exports, feeds and search index work from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from site_builder.catalogue import Catalogue
from site_builder.models import SiteConfig
from site_builder.views import ProjectView


@dataclass(frozen=True)
class SiteData:
    """The validated catalogue, its view models and the build's settings."""

    catalogue: Catalogue
    config: SiteConfig
    as_of: dt.datetime  # the build time: SOURCE_DATE_EPOCH, the last commit, or the newest content date
    projects: tuple[ProjectView, ...]  # sorted by slug, like catalogue.projects
