"""The second pass: one capture's HTTP body, as the bytes of a saved page.

A worker seeks to the capture's record (the scan gave its byte offset), parses that one record
and reads its HTTP body, undoing chunked transfer and gzip or brotli content encoding (warcio's
``content_stream``), up to the size limit of any saved page. The caller hands the result to
the HTML page extractor exactly as it hands an .html file.

The HTTP header's charset is the page's declared encoding (it overrides a ``<meta charset>`` in
browsers). The shared decoder reads declarations from the page's first bytes and believes one
only if the text then reads as text, so the header is put there, in a comment the HTML parser
ignores, rather than trusted blindly; a byte-order mark still wins, as in browsers.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import zlib

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from archivegen.importing.sources import MAX_PAGE_BYTES, SourceError
from archivegen.importing.webarchive.scan import Capture

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def capture_page(capture: Capture) -> bytes:
    """The capture's HTML, its HTTP charset declared up front; SourceError when it cannot be read."""
    try:
        with capture.member.open() as stream:
            stream.seek(capture.offset)
            with contextlib.redirect_stderr(io.StringIO()):  # warcio prints its warnings
                record = next(ArchiveIterator(stream), None)
                if record is None or record.rec_type != "response":
                    raise SourceError("the record is gone from the archive (was it changed since the scan?)")
                body = record.content_stream().read(MAX_PAGE_BYTES + 1)
    except (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError) as exc:
        raise SourceError(f"not a readable WARC record ({' '.join(str(exc).split())[:200]})") from None
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}") from None
    if len(body) > MAX_PAGE_BYTES:
        raise SourceError(f"larger than {MAX_PAGE_BYTES // 1_048_576} MB")
    if capture.charset and not body.startswith(_BOMS):
        body = f'<!-- <meta charset="{capture.charset}"> -->\n'.encode("ascii") + body
    return body
