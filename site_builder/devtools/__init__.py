"""Benchmarks and synthetic catalogues; not imported by the layers above."""
