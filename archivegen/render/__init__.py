"""Site model -> bytes: Markdown bodies, sanitized HTML, Jinja templates, feeds and sitemaps."""
