"""The pydantic schema: the single source of truth for project files, the registry and site.yaml."""
