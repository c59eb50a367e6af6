"""archivegen: a static archive site generator for news articles.

The package is laid out as the pipeline it runs:

    config/   site_config.yaml -> a validated, typed SiteConfig
    content/  content/**/*.md  -> Article records (front matter + Markdown source)
    site/     Articles         -> an immutable Site model (tags, archives, pages, URLs)
    render/   Site             -> HTML/XML bytes (Jinja templates, Markdown, sanitizing)
    output/   bytes            -> files on disk, swapped in atomically
    deploy/   site/            -> a gh-pages branch or a directory, with refusals of stale builds
    build.py  the named, timed steps that tie them together
    cli.py    the only module that knows about terminals and exit codes
"""

__version__ = "0.1.0"
