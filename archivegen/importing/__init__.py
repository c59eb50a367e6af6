"""``archivegen import``: scraped articles in, clean tagged Markdown files out.

The pipeline, one module a step:

    sources.py     find the inputs (files, walked folders), say what kind each is, refuse others
    textdump/      plain-text page dumps: drop navigation, share prompts, repeated titles
    htmlpage/      saved HTML pages: trafilatura body + metadata, kept as Markdown structure
    jsondump.py    JSON / JSONL records with the usual field names or a configured field map
    webarchive/    WARC and WACZ crawls: a scan to the newest HTML capture of each URL, then
                   each capture read from its byte offset as a saved page
    extracted.py   the common record every extractor returns (``Extracted``)
    tagging.py     the ``tags:`` rules of site_config.yaml
    document.py    one Extracted record to the exact bytes of a content/ Markdown file
    writer.py      where the file goes, "same article or a different one?", atomic writes
    run.py         the whole import: parallel extraction, progress bar, summary
    evaluation.py  the extractors as the shared scorers call them

Decoding bytes, reading dates and checking language codes are shared with the build and live
in ``archivegen.text``.
"""
