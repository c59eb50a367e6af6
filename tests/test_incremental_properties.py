"""Incremental builds are indistinguishable from clean builds: a stateful property test.

One project is built incrementally after every change a Hypothesis state machine makes to it
(articles added, edited, retagged, redated, renamed, deleted, given aliases and losing them;
templates overridden, edited, removed; the config changed), and after every step its output is
compared with a clean build of the same inputs in a fresh folder: the same files with the same
bytes (Pagefind bundles aside, which separate clean builds do not write byte-identically), and
the same searchable records: every bundle's pages minus the superseded ids, which must be
unambiguous (``tests/search_support.py``), through shard cuts, deltas and compactions (the
machine's shards hold 3 articles and its delta 2). Failed and interrupted builds (a bad article,
a broken template, Ctrl-C while indexing or between the state's commit and the output's) must leave the output
byte-identical, bundles included, and the next build must recover; a build with nothing to do
must not write at all.

Failures the machine found are pinned below it as plain reproductions.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

import archivegen
from archivegen.build import BuildOptions, BuildReport, build
from archivegen.errors import ArchivegenError
from archivegen.serve.changes import Batch, Kind
from archivegen.serve.session import PreviewSession, ServeOptions
from tests.conftest import pages_bytes, tree_bytes
from tests.search_support import bundles, folders_on_disk, searchable

THEME_TEMPLATES = Path(archivegen.__file__).resolve().parent / "theme" / "templates"

WORDS = ["harbour", "council", "ferry", "budget", "storm", "school", "bridge", "market", "river"]
TAGS = ["Rail", "rail", "Harbour", "Council", "Økonomi"]  # "Rail" and "rail" are one tag
AUTHORS = ["Ann Lee", "ann lee", "Bo Ek"]  # one author spelt two ways, as the tags above
# a declared taxonomy besides the tags, with its own page size and a nav entry
AUTHORS_TAXONOMY = "{authors: {nav: true, per_page: 1}}"
FOLDERS = ["", "2020/", "misc/deep/"]
MAX_ARTICLES = 10
START = datetime(2019, 1, 1, tzinfo=UTC)
# Instants next to year and month boundaries, which a time zone change moves across them.
EDGE_DATES = [datetime(2019, 12, 31, 23, 30, tzinfo=UTC),
              datetime(2020, 1, 1, 0, 30, tzinfo=UTC),
              datetime(2020, 6, 30, 22, 0, tzinfo=UTC),
              datetime(2021, 12, 31, 20, 0, tzinfo=UTC)]
ZONES = ["UTC", "Pacific/Auckland", "America/New_York"]
# Files of static/: at the site's root, a dotfile, one replacing a theme file, one in a deep folder.
STATIC_FILES = ["favicon.ico", ".well-known/security.txt", "static/style.css", "files/2020/a.txt"]

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
bodies = st.lists(st.lists(st.sampled_from(WORDS), min_size=3, max_size=12).map(" ".join),
                  min_size=1, max_size=3).map(lambda paragraphs: "\n\n".join(p.capitalize() + "."
                                                                          for p in paragraphs))
# ~3 years, whole hours (so equal instants, ordered by file name, happen now and then)
dates = st.one_of(st.integers(0, 3 * 365 * 24 - 1).map(lambda hours: START + timedelta(hours=hours)),
                  st.sampled_from(EDGE_DATES))
tag_lists = st.lists(st.sampled_from(TAGS), max_size=3, unique=True)
author_lists = st.lists(st.sampled_from(AUTHORS), max_size=2, unique=True)
summaries = st.none() | words


@dataclass(frozen=True)
class Spec:
    title: str
    date: datetime
    tags: tuple[str, ...]
    summary: str | None
    body: str
    aliases: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # terms of the authors taxonomy the machine declares

    def text(self) -> str:
        lines = ["---", f"title: {self.title}", f"date: {self.date:%Y-%m-%dT%H:%M:%SZ}",
                 f"tags: [{', '.join(self.tags)}]"]
        if self.summary is not None:
            lines.append(f"summary: {self.summary}")
        if self.aliases:
            lines.append(f"aliases: [{', '.join(self.aliases)}]")
        if self.authors:
            lines.append(f"authors: [{', '.join(self.authors)}]")
        return "\n".join([*lines, "---", "", self.body, ""])


def config_text(values: dict[str, object]) -> str:
    return "".join(f"{key}: {value}\n" for key, value in values.items() if value != "")


# -- template overrides: each is a transformation of the current text (override or theme) ----

PROBE_LINE = re.compile(r'<p class="probe">Probe \d+</p>\n')


def theme_text(name: str) -> str:
    return (THEME_TEMPLATES / name).read_text(encoding="utf-8")


def _insert(text: str, anchor: str, addition: str, once: str | None = None) -> str:
    assert anchor in text, f"the theme changed: {anchor!r} is gone"
    if once is not None and once in text:
        return text
    return text.replace(anchor, anchor + addition, 1)


def _probe(text: str, anchor: str, serial: int) -> str:
    line = f'<p class="probe">Probe {serial:03d}</p>\n'  # same size from edit to edit
    if PROBE_LINE.search(text):
        return PROBE_LINE.sub(line, text, count=1)
    return _insert(text, anchor, line)


def _swap(text: str, old: str, new: str) -> str:
    if new in text:
        return text
    assert old in text, f"the theme changed: {old!r} is gone"
    return text.replace(old, new, 1)


# name -> (template file, transformation(text, serial))
TEMPLATE_EDITS = {
    "article line": ("article.html", lambda t, n: _probe(t, "{% block main %}\n", n)),
    "article tag counts": ("article.html", lambda t, n: _swap(
        t, 'data-pagefind-filter="tag">{{ tag.name }}</a>',
        'data-pagefind-filter="tag">{{ tag.name }} ({{ tag.count }})</a>')),
    "neighbour tag counts": ("article.html", lambda t, n: _swap(
        t, '<span class="title">{{ previous.title }}</span>',
        '<span class="title">{{ previous.title }} '
        "[{{ previous.tags|map(attribute='count')|join(',') }}]</span>")),
    "listing line": ("_macros.html", lambda t, n: _probe(t, '<ol class="article-list">\n', n)),
    "listing tag counts": ("_macros.html", lambda t, n: _swap(
        t, '<a class="tag" href="{{ tag.url }}">{{ tag.name }}</a>',
        '<a class="tag" href="{{ tag.url }}">{{ tag.name }} ({{ tag.count }})</a>')),
    "footer line": ("base.html", lambda t, n: _probe(t, '<footer class="site-footer">\n', n)),
    "tag page line": ("tag.html", lambda t, n: _probe(t, "{% block main %}\n", n)),
    # counts a stable listing's numbered pages do not print in the theme (recorded reads)
    "pager totals": ("_macros.html", lambda t, n: _insert(
        t, '<nav class="pagination" aria-label="{{ label }}">\n',
        "<span>{{ pager.count }} pages, {{ pager.total_items }} articles</span>\n",
        once="{{ pager.count }} pages")),
    "year counts": ("year.html", lambda t, n: _insert(
        t, "<h1>Articles from {{ year.year }}",
        " ({{ year.count }}: {{ year.months|map(attribute='count')|join('+') }})", once="{{ year.count }}")),
    "optional template": ("probe.html", lambda t, n: f'<p class="optional">Optional {n:03d}</p>\n'),
    # an include of a template that may not exist, which "optional template" creates and changes
    "optional include": ("article.html", lambda t, n: _insert(
        t, "{% block main %}\n", '{% include "probe.html" ignore missing %}\n',
        once='{% include "probe.html"')),
}

# name -> (template file, broken text): each fails every build that renders a page with it
TEMPLATE_BREAKAGES = {
    "syntax error in base.html": ("base.html", lambda t: t.replace("<body>\n", "<body>\n{% if %}\n", 1)),
    "undefined name in base.html": ("base.html", lambda t: t.replace("<body>\n", "<body>\n{{ nope }}\n", 1)),
    "syntax error in _macros.html": ("_macros.html", lambda t: "{% if %}\n" + t),
    "syntax error in article.html": ("article.html", lambda t: t + "{% for %}\n"),
}


# -- comparing outputs ------------------------------------------------------------------------

def assert_same_pages(built: dict[str, bytes], expected: dict[str, bytes], what: str) -> None:
    if built == expected:
        return
    problems = []
    if missing := sorted(set(expected) - set(built)):
        problems.append(f"missing from the {what} build: {missing}")
    if extra := sorted(set(built) - set(expected)):
        problems.append(f"only in the {what} build: {extra}")
    differing = sorted(name for name in set(built) & set(expected) if built[name] != expected[name])
    if differing:
        problems.append(f"different bytes: {differing}")
        name = differing[0]
        diff = "\n".join(difflib.unified_diff(
            expected[name].decode(errors="replace").splitlines(),
            built[name].decode(errors="replace").splitlines(),
            f"clean/{name}", f"{what}/{name}", lineterm="", n=1))
        problems.append(diff[:3000])
    raise AssertionError("\n".join(problems))


def write_snapshot(site: Path) -> dict[str, tuple[int, int]]:
    """path -> (inode, mtime) of everything in the output, folders included."""
    return {path.relative_to(site).as_posix(): (stat.st_ino, stat.st_mtime_ns)
            for path in [site, *site.rglob("*")] for stat in [path.lstat()]}


def build_project(project: Path, workers: int = 1) -> BuildReport:
    return build(BuildOptions(config_path=project / "site_config.yaml", workers=workers))


def clean_copy(project: Path, target: Path) -> Path:
    """A fresh project with the inputs of ``project`` (no build state, no output)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(project / "site_config.yaml", target / "site_config.yaml")
    for folder in ("content", "templates", "static"):
        if (project / folder).is_dir():
            shutil.copytree(project / folder, target / folder)
    return target


def assert_matches_clean_build(project: Path, scratch: Path) -> None:
    clean = clean_copy(project, scratch)
    report = build_project(clean)
    assert report.full
    assert_same_pages(pages_bytes(project / "site"), pages_bytes(clean / "site"), "incremental")
    assert searchable(project / "site") == searchable(clean / "site")
    assert folders_on_disk(project / "site") == set(bundles(project / "site")), "stray search bundles"
    shutil.rmtree(clean)


# -- the machine ------------------------------------------------------------------------------

class IncrementalBuilds(RuleBasedStateMachine):
    PAGINATION = "newest-first"  # the listings' numbering the machine starts with

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="archivegen-incremental-"))
        self.project = self.root / "project"
        (self.project / "content").mkdir(parents=True)
        (self.project / "templates").mkdir()
        self.articles: dict[str, Spec] = {}  # content-relative path -> what the file says
        self.overrides: dict[str, str] = {}  # project template name -> its text
        self.config: dict[str, object] = {
            "title": "T", "base_url": "https://example.org/archive/", "timezone": "UTC",
            "per_page": 2, "feed_items": 3, "description": "", "pagination": self.PAGINATION,
            # tiny shards and delta, so that steps cut shards, fill the delta and compact it
            "search": "{shard_articles: 3, delta_articles: 2}", "taxonomies": AUTHORS_TAXONOMY}
        self.serial = 0

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # -- helpers --------------------------------------------------------------------------------

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def new_title(self, text: str) -> str:
        return f"{text.capitalize()} {self.next_serial()}"  # unique, as headlines mostly are

    def write_article(self, name: str, spec: Spec) -> None:
        self.articles[name] = spec
        path = self.project / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(spec.text(), encoding="utf-8")

    def write_config(self) -> None:
        (self.project / "site_config.yaml").write_text(config_text(self.config), encoding="utf-8")

    def write_override(self, name: str, text: str) -> None:
        self.overrides[name] = text
        (self.project / "templates" / name).write_text(text, encoding="utf-8")

    def restore_template(self, name: str) -> None:
        path = self.project / "templates" / name
        if name in self.overrides:
            path.write_text(self.overrides[name], encoding="utf-8")
        else:
            path.unlink()

    def apply_template_edit(self, edit: str) -> None:
        name, transform = TEMPLATE_EDITS[edit]
        current = self.overrides.get(name) or (theme_text(name) if (THEME_TEMPLATES / name).exists() else "")
        self.write_override(name, transform(current, self.next_serial()))

    def pick(self, data: st.DataObject) -> str:
        return data.draw(st.sampled_from(sorted(self.articles)), label="article")

    def build_and_compare(self, workers: int = 1) -> BuildReport:
        report = build_project(self.project, workers)
        assert_matches_clean_build(self.project, self.root / "clean")
        return report

    # -- rules ----------------------------------------------------------------------------------

    @initialize(specs=st.lists(st.tuples(words, dates, tag_lists, summaries, bodies), min_size=1, max_size=3),
                edits=st.lists(st.sampled_from(sorted(TEMPLATE_EDITS)), max_size=3, unique=True))
    def start(self, specs: list[tuple[str, datetime, list[str], str | None, str]], edits: list[str]) -> None:
        """A first (full) build, often with overridden templates already in place."""
        self.write_config()
        for edit in edits:
            self.apply_template_edit(edit)
        for title, date, tags, summary, body in specs:
            self.write_article(f"{self.next_serial()}.md",
                               Spec(self.new_title(title), date, tuple(tags), summary, body))
        report = self.build_and_compare()
        assert report.full

    @precondition(lambda self: len(self.articles) < MAX_ARTICLES)
    @rule(title=words, date=dates, tags=tag_lists, summary=summaries, body=bodies,
          folder=st.sampled_from(FOLDERS))
    def add_article(self, title: str, date: datetime, tags: list[str], summary: str | None, body: str,
                    folder: str) -> None:
        self.write_article(f"{folder}{self.next_serial()}.md",
                           Spec(self.new_title(title), date, tuple(tags), summary, body))
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=bodies)
    def edit_body(self, data: st.DataObject, body: str) -> None:
        name = self.pick(data)
        self.write_article(name, replace(self.articles[name], body=body))
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), keep_mtime=st.booleans(), twice=st.booleans())
    def same_size_edit(self, data: st.DataObject, keep_mtime: bool, twice: bool) -> None:
        """Change one letter of a body right after a build, within the same second."""
        for _ in range(2 if twice else 1):
            name = self.pick(data)
            spec = self.articles[name]
            position = data.draw(st.integers(0, len(spec.body) - 1), label="position")
            old = spec.body[position]
            new = data.draw(st.sampled_from([c for c in "xyz" if c != old]), label="letter")
            path = self.project / "content" / name
            before = path.stat()
            body = spec.body[:position] + new + spec.body[position + 1:]
            self.write_article(name, replace(spec, body=body))
            assert path.stat().st_size == before.st_size
            if keep_mtime:  # as `touch -d` would: only the ctime tells
                os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
            self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), title=words)
    def edit_title(self, data: st.DataObject, title: str) -> None:
        name = self.pick(data)
        self.write_article(name, replace(self.articles[name], title=self.new_title(title)))
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), summary=summaries)
    def edit_summary(self, data: st.DataObject, summary: str | None) -> None:
        name = self.pick(data)
        self.write_article(name, replace(self.articles[name], summary=summary))
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), tags=tag_lists)
    def retag(self, data: st.DataObject, tags: list[str]) -> None:
        name = self.pick(data)
        self.write_article(name, replace(self.articles[name], tags=tuple(tags)))
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), authors=author_lists)
    def reauthor(self, data: st.DataObject, authors: list[str]) -> None:
        """A change of an article's terms in a taxonomy other than the tags."""
        name = self.pick(data)
        self.write_article(name, replace(self.articles[name], authors=tuple(authors)))
        self.build_and_compare()

    @rule()
    def toggle_authors_taxonomy(self) -> None:
        """Declaring the authors taxonomy, or no longer: its pages appear or go."""
        self.config["taxonomies"] = "" if self.config["taxonomies"] else AUTHORS_TAXONOMY
        self.write_config()
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), date=dates)
    def redate(self, data: st.DataObject, date: datetime) -> None:
        name = self.pick(data)
        self.write_article(name, replace(self.articles[name], date=date))
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def delete_article(self, data: st.DataObject) -> None:
        name = self.pick(data)
        del self.articles[name]
        (self.project / "content" / name).unlink()
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), folder=st.sampled_from(FOLDERS))
    def rename_article(self, data: st.DataObject, folder: str) -> None:
        name = self.pick(data)
        new_name = f"{folder}{self.next_serial()}.md"
        target = self.project / "content" / new_name
        target.parent.mkdir(parents=True, exist_ok=True)
        (self.project / "content" / name).rename(target)
        self.articles[new_name] = self.articles.pop(name)
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), html=st.booleans())
    def add_alias(self, data: st.DataObject, html: bool) -> None:
        """A redirect page (and the _redirects file) appear; serials keep aliases unique."""
        name = self.pick(data)
        alias = f"/old/{self.next_serial()}" + (".html" if html else "/")
        spec = self.articles[name]
        self.write_article(name, replace(spec, aliases=(*spec.aliases, alias)))
        self.build_and_compare()

    @precondition(lambda self: any(spec.aliases for spec in self.articles.values()))
    @rule(data=st.data())
    def remove_alias(self, data: st.DataObject) -> None:
        """Its redirect page goes, and the _redirects file with the last alias."""
        name = data.draw(st.sampled_from(sorted(n for n, spec in self.articles.items() if spec.aliases)),
                         label="article with aliases")
        spec = self.articles[name]
        alias = data.draw(st.sampled_from(spec.aliases), label="alias")
        self.write_article(name, replace(spec, aliases=tuple(a for a in spec.aliases if a != alias)))
        self.build_and_compare()

    @rule(edit=st.sampled_from(sorted(TEMPLATE_EDITS)))
    def edit_template(self, edit: str) -> None:
        self.apply_template_edit(edit)
        self.build_and_compare()

    @precondition(lambda self: self.overrides)
    @rule(data=st.data())
    def remove_template_override(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.overrides)), label="override")
        del self.overrides[name]
        (self.project / "templates" / name).unlink()
        self.build_and_compare()

    @rule(per_page=st.integers(1, 4), feed_items=st.integers(1, 5), title=words,
          description=st.just("") | words, zone=st.sampled_from(ZONES))
    def edit_config(self, per_page: int, feed_items: int, title: str, description: str, zone: str) -> None:
        self.config.update(per_page=per_page, feed_items=feed_items, title=title, description=description,
                           timezone=zone)
        self.write_config()
        self.build_and_compare()

    @rule()
    def switch_pagination(self) -> None:
        stable = self.config["pagination"] == "stable"
        self.config["pagination"] = "newest-first" if stable else "stable"
        self.write_config()
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=bodies)
    def parallel_build(self, data: st.DataObject, body: str) -> None:
        """An edit built by two forked workers (tiny chunks, so the render really is split)."""
        name = self.pick(data)
        self.write_article(name, replace(self.articles[name], body=body))
        with mock.patch("archivegen.render.stage.CHUNK_SIZE", 2):
            self.build_and_compare(workers=2)

    @rule(data=st.data(), also_edit=st.booleans(),
          breakage=st.sampled_from(["new article with a bad date", "existing article with a bad date",
                                    *sorted(TEMPLATE_BREAKAGES)]))
    def failed_build(self, data: st.DataObject, also_edit: bool, breakage: str) -> None:
        """A build that fails leaves the output byte-identical; once fixed, the next one catches up."""
        if also_edit and self.articles:  # a real change waiting behind the failure
            name = self.pick(data)
            spec = self.articles[name]
            self.write_article(name, replace(spec, body=spec.body + "\n\nAmended."))
        if breakage == "existing article with a bad date" and not self.articles:
            breakage = "new article with a bad date"
        if breakage == "syntax error in article.html" and not self.articles:
            breakage = "syntax error in base.html"  # no article page renders article.html
        site = self.project / "site"
        before = tree_bytes(site)
        if breakage == "new article with a bad date":
            broken = self.project / "content" / "broken.md"
            broken.write_text("---\ntitle: Broken\ndate: not a date\n---\n\nBody.\n", encoding="utf-8")
            fix = broken.unlink
        elif breakage == "existing article with a bad date":
            name = self.pick(data)
            path = self.project / "content" / name
            path.write_text(path.read_text(encoding="utf-8").replace(
                f"date: {self.articles[name].date:%Y-%m-%dT%H:%M:%SZ}", "date: not a date"), encoding="utf-8")
            fix = lambda: path.write_text(self.articles[name].text(), encoding="utf-8")  # noqa: E731
        else:
            template, breaking = TEMPLATE_BREAKAGES[breakage]
            current = self.overrides.get(template) or theme_text(template)
            (self.project / "templates" / template).write_text(breaking(current), encoding="utf-8")
            fix = lambda: self.restore_template(template)  # noqa: E731
        with pytest.raises(ArchivegenError):
            build_project(self.project)
        assert tree_bytes(site) == before, "a failed build changed the output"
        fix()
        self.build_and_compare()

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=bodies, when=st.sampled_from(["while indexing", "after the state's commit"]))
    def interrupted_build(self, data: st.DataObject, body: str, when: str) -> None:
        """Ctrl-C in the middle of a build leaves the output as it was; the next build catches up."""
        name = self.pick(data)
        amended = f"{body}\n\nInterrupted {self.next_serial()}."
        self.write_article(name, replace(self.articles[name], body=amended))
        site = self.project / "site"
        before = tree_bytes(site)

        def stop(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        target = ("archivegen.search.pagefind.index_records" if when == "while indexing"
                  else "archivegen.output.journal.apply")
        with mock.patch(target, stop), pytest.raises(KeyboardInterrupt):
            build_project(self.project)
        assert tree_bytes(site) == before, f"a build interrupted {when} changed the output"
        self.build_and_compare()

    @rule(name=st.sampled_from(STATIC_FILES), text=st.none() | words)
    def edit_static_file(self, name: str, text: str | None) -> None:
        """A file of static/ written or deleted (None): published at the site's root."""
        path = self.project / "static" / name
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.build_and_compare()

    @rule(data=st.data(), damage=st.sampled_from(["delete", "edit", "touch", "empty the folder",
                                                  "delete from a search bundle", "add a file",
                                                  "add a folder"]))
    def damage_output(self, data: st.DataObject, damage: str) -> None:
        """Outputs are checked, not trusted: whatever happened to site/ since the last build,
        the next one puts back exactly what a clean build makes."""
        site = self.project / "site"
        files = sorted(path.relative_to(site).as_posix() for path in site.rglob("*")
                       if path.is_file() and not path.relative_to(site).as_posix().startswith("pagefind/"))
        if damage == "empty the folder":
            for child in site.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        elif damage == "delete from a search bundle":
            fragments = sorted(site.glob("pagefind/*/fragment/*"))
            if fragments:
                data.draw(st.sampled_from(fragments), label="fragment").unlink()
        elif damage in ("add a file", "add a folder"):  # by hand: site/ holds only what builds write
            folder = (site / data.draw(st.sampled_from(files), label="beside")).parent
            if damage == "add a folder":
                folder = folder / "by-hand"
                folder.mkdir()
            (folder / "by-hand.txt").write_text("x", encoding="utf-8")
        else:
            target = site / data.draw(st.sampled_from(files), label="output")
            if damage == "delete":
                target.unlink()
            elif damage == "edit":
                target.write_bytes(target.read_bytes()[:-1] + b"!")
            else:
                os.utime(target, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
        self.build_and_compare()

    @rule()
    def nothing_changed(self) -> None:
        """A build with nothing to do writes nothing (no file replaced, no folder touched)."""
        site = self.project / "site"
        before = write_snapshot(site)
        report = build_project(self.project)
        assert report.files == 0 and report.deleted == 0
        assert write_snapshot(site) == before, "a build with nothing to do wrote to the output"


IncrementalBuilds.TestCase.settings = settings(
    max_examples=12, stateful_step_count=10, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
test_incremental_builds_match_clean_builds = IncrementalBuilds.TestCase


class StableIncrementalBuilds(IncrementalBuilds):
    """The same machine on listings numbered from the oldest (``pagination: stable``), whose
    page keys leave out the counts a page does not print: a missed dependency shows up here."""

    PAGINATION = "stable"


StableIncrementalBuilds.TestCase.settings = settings(
    IncrementalBuilds.TestCase.settings, max_examples=6)
test_stable_incremental_builds_match_clean_builds = StableIncrementalBuilds.TestCase


class ServedIncrementalBuilds(IncrementalBuilds):
    """The same steps built by one long-running live preview (``serve/session.py``): its
    rebuilds look only at the content files a (here perfect) watcher names and patch the stored
    model, and its search catches up in the idle build. A CLI build now and then (the
    ``nothing_changed`` rule) shares the state, as it does for a user."""

    session: PreviewSession | None = None

    def inputs(self) -> dict[Path, tuple[int, int, int, int]]:
        found = {}
        for path in [self.project / "site_config.yaml", *(self.project / "content").rglob("*"),
                     *(self.project / "templates").rglob("*"), *(self.project / "static").rglob("*")]:
            if path.is_file():
                stat = path.stat()
                found[path] = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        return found

    def build_and_compare(self, workers: int = 1) -> BuildReport:
        errors: list[str] = []

        def echo(line: str, err: bool = False) -> None:
            if err:
                errors.append(line)

        if self.session is None:
            self.session = PreviewSession(ServeOptions(config_path=self.project / "site_config.yaml",
                                                       workers=workers), echo)
            self.session._build_pages(first=True)
        else:
            before, now = self.seen, self.inputs()
            paths = {path for path in before.keys() | now.keys() if before.get(path) != now.get(path)}
            kinds: set[Kind] = {"config" if path.name == "site_config.yaml" else
                                "template" if "templates" in path.parts else
                                "static" if path.relative_to(self.project).parts[0] == "static" else "content"
                                for path in paths}
            self.session.echo = echo
            self.session.rebuild(Batch(kinds=kinds, paths=paths))
        self.seen = self.inputs()
        assert not errors, errors
        self.session._idle_work()  # the search, as the preview brings it up to date when idle
        assert not errors, errors
        assert self.session.last_report is not None
        assert_matches_clean_build(self.project, self.root / "clean")
        return self.session.last_report

    def teardown(self) -> None:
        if self.session is not None:
            self.session.close()
        super().teardown()

    # Not for a live preview: it reports a failed build instead of raising, is not stopped by
    # Ctrl-C half-way, and owns its output (it checks it only at its first build).
    failed_build = interrupted_build = damage_output = parallel_build = None  # type: ignore[assignment]


ServedIncrementalBuilds.TestCase.settings = settings(
    IncrementalBuilds.TestCase.settings, max_examples=6)
test_served_incremental_builds_match_clean_builds = ServedIncrementalBuilds.TestCase


def test_a_printed_tag_count_follows_articles_joining_the_tag_far_away(tmp_path: Path) -> None:
    """The machine's tag-count check made deterministic: only the recorded count read re-renders."""
    def article(title: str, date: str, tags: str) -> str:
        return f"---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\n\nBody.\n"

    project = small_project(tmp_path / "project", {
        "a.md": article("Old", "2019-01-07T15:00:00Z", "Rail"),
        "b.md": article("Middle", "2020-01-07T15:00:00Z", "Harbour"),
        "c.md": article("New", "2021-01-07T15:00:00Z", "Harbour")})
    _, transform = TEMPLATE_EDITS["article tag counts"]
    (project / "templates").mkdir()
    (project / "templates" / "article.html").write_text(transform(theme_text("article.html"), 0),
                                                        encoding="utf-8")
    build_project(project)
    old_page = project / "site" / "2019" / "01" / "a" / "index.html"
    assert "Rail (1)</a>" in old_page.read_text(encoding="utf-8")
    newest = article("Newest", "2022-01-07T15:00:00Z", "Rail")
    (project / "content" / "d.md").write_text(newest, encoding="utf-8")
    build_project(project)  # "Old" is no neighbour of "Newest": only its recorded count read says so
    assert "Rail (2)</a>" in old_page.read_text(encoding="utf-8")
    assert_matches_clean_build(project, tmp_path / "clean")


# -- reproductions of what the machine found ------------------------------------------------

def small_project(root: Path, articles: dict[str, str], **config: object) -> Path:
    (root / "content").mkdir(parents=True)
    values: dict[str, object] = {"title": "T", "base_url": "https://example.org/archive/",
                                 "timezone": "UTC", "per_page": 2, "feed_items": 3, **config}
    (root / "site_config.yaml").write_text(config_text(values), encoding="utf-8")
    for name, text in articles.items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def test_a_time_zone_change_redates_unchanged_articles(tmp_path: Path) -> None:
    """Found by the machine (records were reused by sha256 across a zone change); fixed since."""
    project = small_project(tmp_path / "project", {
        "1.md": "---\ntitle: One\ndate: 2019-01-07T15:00:00Z\ntags: [A]\n---\n\nBody.\n"})
    build_project(project)
    config = project / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("UTC", "Pacific/Auckland"), encoding="utf-8")
    build_project(project)
    page = (project / "site" / "2019" / "01" / "1" / "index.html").read_text(encoding="utf-8")
    assert 'content="2019-01-08T04:00:00+13:00"' in page  # a clean build's date, not ...15:00:00+00:00
    assert_matches_clean_build(project, tmp_path / "clean")


@pytest.mark.parametrize("include", ['{% include "probe.html" ignore missing %}',
                                     '{% include ["probe.html", "empty.html"] %}',
                                     # an iterator, not a list: Jinja reads it once, the recorder too
                                     '{% include ["empty.html", "probe.html"]|reverse %}'])
def test_creating_a_template_a_page_tried_to_load_rerenders_it(tmp_path: Path, include: str) -> None:
    project = small_project(tmp_path / "project", {
        "1.md": "---\ntitle: One\ndate: 2019-01-07T15:00:00Z\n---\n\nBody.\n"})
    templates = project / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        theme_text("article.html").replace("{% block main %}\n", "{% block main %}\n" + include + "\n", 1),
        encoding="utf-8")
    (templates / "empty.html").write_text("", encoding="utf-8")
    build_project(project)
    (templates / "probe.html").write_text("<p>Probe</p>\n", encoding="utf-8")
    build_project(project)
    page = project / "site" / "2019" / "01" / "1" / "index.html"
    assert "<p>Probe</p>" in page.read_text(encoding="utf-8")
    assert_matches_clean_build(project, tmp_path / "clean")
