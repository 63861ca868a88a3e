"""Emergency Services Collaboration Catalogue: validator and static-site builder."""

__version__ = "0.1.0"
