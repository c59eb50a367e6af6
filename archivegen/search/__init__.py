"""Full-text search that works on static hosting: Pagefind bundles, one per year."""
