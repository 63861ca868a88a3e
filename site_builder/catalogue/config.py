"""``site.yaml``: the site's title, address and repository, validated like any content file."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from site_builder.catalogue.explain import explain_validation_error
from site_builder.catalogue.registry import read_yaml_file
from site_builder.diagnostics.report import Diagnostic
from site_builder.model.project import SiteConfig

CONFIG_FILE = "site.yaml"


def load_site_config(root: Path, base_url: str | None = None) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read ``site.yaml``; ``base_url`` (from ``--base-url``) overrides the file's value."""
    file = read_yaml_file(root, CONFIG_FILE)
    data, source = file.data, file.source
    if file.diagnostics:
        return None, file.diagnostics
    if not isinstance(data, dict):
        pos = source.value(())
        return None, [Diagnostic(CONFIG_FILE, pos.line, pos.col, "error", "", "expected settings written as 'name: value'",
                                 "see site.yaml in the repository for an example")]
    if base_url is not None:
        data = {**data, "base_url": base_url}
    try:
        config = SiteConfig.model_validate(data)
    except ValidationError as exc:
        return None, explain_validation_error(exc, SiteConfig, CONFIG_FILE, source)
    return config, []  # base_url ends in '/': SiteUrl adds it
