"""Characters no archive text should carry, removed wherever text enters (config, content)."""

from __future__ import annotations

import re

# C0 controls other than tab and newline, DEL, C1 controls, and U+FFFE/U+FFFF: all invalid in
# the XML we write (feeds, sitemaps) and invisible in HTML.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def strip_controls(text: str) -> str:
    return CONTROL_CHARS.sub("", text)
