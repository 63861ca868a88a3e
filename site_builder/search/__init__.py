"""The search data: the lunr.py index (a lunr.js-compatible stemmer, trimming, size-cut shards and term
lists for typo matching), and the filter file and result fragments the browser lists projects from."""
