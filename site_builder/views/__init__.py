"""View models for templates, built from the validated catalogue."""
