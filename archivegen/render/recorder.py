"""Dependencies recorded while a page renders: the templates it loaded, the counts it read.

The incremental build decides whether a page is stale from a key of its inputs. Most inputs
are structural (the articles a page lists, its pager), but two can only be known by watching
the render: which templates a page pulls in through ``extends``/``include``/``import`` (they
depend on the templates' own text), and whether its templates print tag counts or a listing's
page and article counts (values that change with every article added to the tag or listing).
Both are recorded here per page, in the process that renders it, and stored with the page's
output record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import jinja2


class _Recording:
    def __init__(self) -> None:
        self.templates: set[str] = set()
        self.counts: set[str] = set()


_current: list[_Recording] = []

# Recorded like terms ('<taxonomy>/<slug>', see ``term_count``): a listing's page count and
# article count (``PagerView``), the article counts of years and months (``YearLink``,
# ``MonthLink``, a year's ``Chart``), and a term's counts per year (its ``Chart``). A taxonomy
# name starts with a letter (``config/loader.py``), so these names can never be a term's.
PAGER_COUNT = "#pager-count"
PAGER_TOTAL = "#pager-total"
ARCHIVE_COUNTS = "#archive-counts"
TERM_YEARS = "#term-years/"  # + a term's name: its article counts per year (its chart)


def term_count(taxonomy: str, slug: str) -> str:
    """The name a term's article count is recorded under: '<taxonomy>/<slug>' (a slug is made
    of [a-z0-9-] only, ``content/slugs.py``, so the first '/' splits it)."""
    return f"{taxonomy}/{slug}"


def count_read(name: str) -> None:
    """A count was read: a term's (``term_count``), or one of the reserved names above."""
    if _current:
        _current[-1].counts.add(name)


def template_loaded(name: str | None) -> None:
    if _current and name:
        _current[-1].templates.add(name)


@contextmanager
def recording() -> Iterator[_Recording]:
    """Record what the code inside reads (one page render)."""
    record = _Recording()
    _current.append(record)
    try:
        yield record
    finally:
        _current.pop()


class RecordingEnvironment(jinja2.Environment):
    """A Jinja environment that reports every template a render loads, cached or not.

    ``extends``, ``include`` and ``import`` all go through ``get_template``/``select_template``
    at render time, even when the template is already compiled, so this sees each page's
    real template set, including names computed at render time. Names looked for and not
    found count too (``include ... ignore missing``, a list of fallbacks): creating one of
    them later must re-render the page.
    """

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: Any = None) -> jinja2.Template:
        try:
            template = super().get_template(name, parent, globals)
        except jinja2.TemplateNotFound:
            if isinstance(name, str):
                template_loaded(self.join_path(name, parent) if parent else name)
            raise
        template_loaded(template.name)
        return template

    def select_template(self, names: Iterable[str | jinja2.Template], parent: str | None = None,
                        globals: Any = None) -> jinja2.Template:
        if not isinstance(names, (Sequence, jinja2.Undefined)):
            names = list(names)  # an iterator ("[...]|reverse"): Jinja reads it once, we read it again
        try:
            template = super().select_template(names, parent, globals)
        except jinja2.TemplatesNotFound:
            for name in names:
                if isinstance(name, str):
                    template_loaded(self.join_path(name, parent) if parent else name)
            raise
        for name in names:  # the fallbacks tried before the one found
            if not isinstance(name, str):
                break
            found = self.join_path(name, parent) if parent else name
            template_loaded(found)
            if found == template.name:
                break
        template_loaded(template.name)
        return template
