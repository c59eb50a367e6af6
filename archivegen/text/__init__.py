"""Small text jobs that import and build share, each done one way.

    decoding.py    bytes to clean text: one byte-order-mark table; strict for files people
                   write (content, config), guessing for scrapes
    dates.py       dates: strict ISO 8601 for content, loose (many formats and languages,
                   datelines) for scrapes, one time-zone rule
    language.py    the shape of a language tag

This package sits below config/, content/ and importing/ and imports none of them.
"""
