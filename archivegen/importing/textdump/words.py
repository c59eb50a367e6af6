"""Words and scripts: how a line of any language is cut into words and told apart by script.

Every later step counts words; the script decides how a line is judged (by function words, by
case, or by punctuation alone for scripts without case) and how unspaced scripts are counted.
"""

from __future__ import annotations

import re

WORD = re.compile(r"\w+")
# Letters of scripts without case (Hebrew, Arabic, Indic, Thai, Hangul, kana, CJK) and of the
# cased ones (Latin, Greek, Cyrillic, Armenian): which kind dominates a line says how to judge it.
CASELESS = re.compile(r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1200-\u137f"
                       r"\u1780-\u17ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
                       r"\uf900-\ufaff]")
CASED = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u058f\u1e00-\u1fff]")
# Scripts written without spaces: two characters count as one word, so their lines compare.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
