"""The preview server: a static server and the rebuild loop that keeps the last good build."""
