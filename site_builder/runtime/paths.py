"""Where the tool's own files live: the checkout that holds ``templates/``, ``assets/`` and ``node_modules/``."""

from __future__ import annotations

from pathlib import Path

TOOL_ROOT = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = TOOL_ROOT / "templates"
