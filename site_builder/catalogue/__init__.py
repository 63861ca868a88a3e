"""Loading a catalogue folder: the registry, site.yaml, every project, and the rules across them."""
