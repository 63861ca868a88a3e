"""Insights: the catalogue in charts and tables, who works with whom, the region map, similar projects.

Everything here is computed at build time from the validated catalogue, deterministically (every
ranking has an explicit tie-breaker), and rendered as HTML and inline SVG that needs no JavaScript.
"""
