"""Web archives (WARC, WACZ) as import inputs: every HTML capture in them is a candidate article.

Crawls are big (a Common Crawl file is a gigabyte compressed, a newsroom's crawl tens of them),
so nothing here holds more than one record's body at a time. An archive is read twice:

    members.py  the WARC streams of an input: a .warc or .warc.gz file, or each
                archive/*.warc(.gz) inside a .wacz, read in place (never unpacked)
    scan.py     first pass, in this process: every record's type, status, media type, URL and
                date, and the byte where it starts; what is no article is counted, and only the
                newest capture of each URL is kept (a map of URLs to offsets, never bodies)
    capture.py  second pass, on every core: seek to one capture, read its HTTP body and hand it
                to the saved-page extractor exactly as an .html file would be

The two passes cost one extra decompression of the archive (a few seconds a gigabyte), which
is small beside extraction and is what lets the second pass run in parallel from offsets.
"""

from archivegen.importing.webarchive.capture import capture_page
from archivegen.importing.webarchive.members import WEB_ARCHIVE_KINDS, Member, archive_members
from archivegen.importing.webarchive.scan import Capture, ScanResult, scan_archives

__all__ = ["WEB_ARCHIVE_KINDS", "Capture", "Member", "ScanResult", "archive_members", "capture_page",
           "scan_archives"]
