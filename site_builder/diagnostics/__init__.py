"""Diagnostics: located, actionable messages and the report that gathers them."""
