"""The assembled site: the validated catalogue with its view models, insights and settings, that every output works from."""
