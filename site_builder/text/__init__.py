"""Text handling below the schema: bytes to text, front matter, strict YAML with a source map."""
