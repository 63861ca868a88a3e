"""The search index: lunr.py, a lunr.js-compatible stemmer, trimming and shards."""
