"""Incremental builds of the search index, end to end: the real build, the page in Chromium.

A project of 15 articles over 2019-2021 (shards of 4: four shards, two of them holding two
years) is built, then changed in two steps, each built incrementally and served under /archive/:

1. an article edited (a unique word replaced by another), one deleted, one added in a middle
   shard: the delta holds them and two base records are superseded, nothing is compacted;
2. two more edits (one retagged) and another addition: the delta passes ``delta_articles`` (3),
   so the shards it touches are rebuilt (one re-cut in two) and the untouched shard is kept.

After each step a clean build of the same content (a copy without state or output) is made and
served too, and every query runs in a fresh browser context (nothing cached): the edited article
is found by its new word and not its old one, the deleted one is not found, the new ones are;
for common words, a tag alone and year ranges the incremental site shows the same count, results
and tag menu as the clean one. No dialog, console error or page error is allowed on any page.

The step fixtures change one project in turn, so test_compaction runs after test_delta (file
order); either test alone still builds the steps it needs.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archivegen.build import BuildReport
from tests.browser_support import PREFIX, Watched, count_text, open_search, result_titles, serve
from tests.projects import Archive, article, make_archive
from tests.search_support import manifest, searchable

pytestmark = pytest.mark.browser

CONFIG = ("title: Incremental search\nbase_url: https://example.org/archive/\ntimezone: UTC\n"
          "language: en\nsearch:\n  shard_articles: 4\n  delta_articles: 3\n")
YEARS = (2019, 2020, 2021)
# One word of its own per base article; none is a prefix of another word (Pagefind matches
# prefixes) nor shares its stem.
UNIQUE = ["quillwort", "heliotrope", "obsidian", "tamarind", "kumquat", "zeppelin", "gossamer", "rhubarb",
          "sassafras", "verdigris", "juniper", "lanolin", "nautilus", "papyrus", "bergamot"]
COMMON = ("chronicle", "harbour", "council")  # every article; even ones; odd ones
PAGE_SIZE = 10


@dataclass(frozen=True)
class Story:
    title: str
    date: str
    tags: tuple[str, ...]
    word: str  # its unique word
    even: bool  # a harbour story (else a council story)

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def body(self) -> str:
        return (f"A chronicle of {self.year}, with {self.word} in it.\n\n"
                + ("The harbour was busy all week." if self.even else "The council met twice."))

    def text(self) -> str:
        return article(self.title, self.date, self.body, tags=list(self.tags))

    @property
    def searchable(self) -> str:
        """What a query can find it by: its title, body and tag names."""
        return "\n".join([self.title, self.body, *self.tags]).lower()


def _base(year: int, k: int) -> Story:
    return Story(f"Story {k} of {year}", f"{year}-{2 * k + 1:02d}-10T10:00:00Z",
                 ("Harbour",) if k % 2 == 0 else ("Council",), UNIQUE[(year - YEARS[0]) * 5 + k], k % 2 == 0)


BASE = {f"content/{year}/story-{k}.md": _base(year, k) for year in YEARS for k in range(5)}

# Step 1: Story 1 of 2019 (first shard) loses "heliotrope" for "marzipan"; Story 3 of 2021 (last
# shard) is deleted; a story of June 2020 falls in the second shard, between older and newer ones.
EDITED = "content/2019/story-1.md"
EDITED_STORY = Story("Story 1 of 2019, corrected", BASE[EDITED].date, ("Council",), "marzipan", False)
DELETED = "content/2021/story-3.md"
ADDED = "content/2020/late-story.md"
ADDED_STORY = Story("A late story of 2020", "2020-06-20T15:30:00Z", ("Harbour",), "cinnabar", True)
# Step 2: Story 2 of 2019 gets a new word and moves from Harbour to Council, Story 0 of 2020 gets
# a new word, and a story of December 2019 joins the second shard: five articles in the delta.
RETAGGED = "content/2019/story-2.md"
RETAGGED_STORY = Story("Story 2 of 2019", BASE[RETAGGED].date, ("Council",), "dulcimer", True)
REWORDED = "content/2020/story-0.md"
REWORDED_STORY = Story("Story 0 of 2020", BASE[REWORDED].date, ("Harbour",), "falconry", True)
ADDED_2 = "content/2019/winter-story.md"
ADDED_2_STORY = Story("A winter story of 2019", "2019-12-01T08:00:00Z", ("Council",), "galingale", False)


@dataclass
class Step:
    """The project after a step: its stories, the incremental build (report, manifest), a clean
    build served."""

    stories: dict[str, Story]
    report: BuildReport
    index: dict
    clean_url: str
    clean_site: Path


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    project = make_archive(tmp_path_factory.mktemp("incremental"),
                           {path: story.text() for path, story in BASE.items()}, CONFIG)
    report = project.build()
    assert report.full and report.search.shards == 4
    index = manifest(project.site)
    assert [shard["articles"] for shard in index["shards"]] == [4, 4, 4, 3]
    assert [shard["years"] for shard in index["shards"]] == [[2019], [2019, 2020], [2020, 2021], [2021]]
    assert index["delta"] is None and index["superseded"] == []
    return project


@pytest.fixture(scope="module")
def base_url(archive: Archive) -> Iterator[str]:
    """The incremental build's site, served for the whole module (the steps change it in place)."""
    with serve(archive.site) as url:
        yield url


def _change(archive: Archive, stories: dict[str, Story],
            changes: dict[str, Story | None]) -> dict[str, Story]:
    """Write (or, for None, delete) the changed articles; return the project's stories now."""
    stories = dict(stories)
    for path, story in changes.items():
        if story is None:
            (archive.root / path).unlink()
            del stories[path]
        else:
            archive.write(path, story.text())
            stories[path] = story
    return stories


def _clean_build(archive: Archive, folder: Path) -> Path:
    """A clean build of the project's content (a copy without state or output); its site."""
    clean = Archive(folder / "clean")
    shutil.copytree(archive.root, clean.root, ignore=shutil.ignore_patterns(".archivegen", "site"))
    assert clean.build().full
    return clean.site


@pytest.fixture(scope="module")
def step1(archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Step]:
    stories = _change(archive, BASE, {EDITED: EDITED_STORY, DELETED: None, ADDED: ADDED_STORY})
    report = archive.build()
    clean_site = _clean_build(archive, tmp_path_factory.mktemp("clean-1"))
    with serve(clean_site) as url:
        yield Step(stories, report, manifest(archive.site), url, clean_site)


@pytest.fixture(scope="module")
def step2(step1: Step, archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Step]:
    stories = _change(archive, step1.stories,
                      {RETAGGED: RETAGGED_STORY, REWORDED: REWORDED_STORY, ADDED_2: ADDED_2_STORY})
    report = archive.build()
    clean_site = _clean_build(archive, tmp_path_factory.mktemp("clean-2"))
    with serve(clean_site) as url:
        yield Step(stories, report, manifest(archive.site), url, clean_site)


# -- the page --------------------------------------------------------------------------------

FINAL_STATUS = r"^(No results\.|1 result\.|\d+ results\.)$"


@dataclass(frozen=True)
class Shown:
    """What the search page shows for one query."""

    status: str
    titles: frozenset[str]  # the first page of results
    tags: tuple[str, ...]  # the tag menu, with its counts

    @property
    def count(self) -> int:
        return 0 if self.status == "No results." else int(self.status.split()[0])


def _shown(browser, base_url: str, query: str) -> Shown:
    """Open /search/QUERY in a fresh context (nothing cached) and read what it shows."""
    context = browser.new_context()
    try:
        w = Watched(context.new_page(), base_url.removesuffix(PREFIX))
        open_search(w, base_url, query)
        try:
            w.page.wait_for_function(
                "pattern => new RegExp(pattern).test(document.getElementById('search-status').textContent)",
                arg=FINAL_STATUS, timeout=10_000)
        except Exception:
            status = w.page.locator("#search-status").text_content()
            pytest.fail(f"{base_url}search/{query}: status is {status!r}; errors: {w.errors}")
        status = w.page.locator("#search-status").text_content() or ""
        shown = Shown(status, frozenset(), ())
        w.page.wait_for_function("n => document.querySelectorAll('#search-results li').length === n",
                                 arg=min(shown.count, PAGE_SIZE))
        shown = Shown(status, frozenset(result_titles(w)),
                      tuple(w.page.locator("#search-tag option").all_inner_texts()))
        w.assert_clean()
        return shown
    finally:
        context.close()


def _expected(stories: dict[str, Story], word: str | None = None, tag: str | None = None,
              years: tuple[int, ...] = YEARS) -> set[str]:
    """Titles of the live stories a query should find (their text or tags have the word)."""
    return {s.title for s in stories.values()
            if (word is None or word in s.searchable) and (tag is None or tag in s.tags)
            and s.year in years}


def _tag_menu(stories: dict[str, Story], years: tuple[int, ...] = YEARS) -> tuple[str, ...]:
    names = sorted({tag for s in stories.values() if s.year in years for tag in s.tags})
    return ("All tags", *(f"{name} ({len(_expected(stories, tag=name, years=years))})" for name in names))


def _finds(browser, base_url: str, step: Step, query: str, expected: set[str]) -> None:
    """The incremental site finds exactly ``expected`` (a unique word: 0 or 1 result)."""
    shown = _shown(browser, base_url, query)
    assert (shown.status, shown.titles) == (count_text(len(expected)), expected), query
    assert shown.tags == _tag_menu(step.stories), query


def _same_as_clean(browser, base_url: str, step: Step, query: str, expected: set[str],
                   years: tuple[int, ...] = YEARS) -> None:
    """The incremental site shows what the clean build shows, and that is what is expected."""
    incremental, clean = _shown(browser, base_url, query), _shown(browser, step.clean_url, query)
    assert incremental.status == clean.status == count_text(len(expected)), query
    if len(expected) <= PAGE_SIZE:
        assert incremental.titles == clean.titles == expected, query
    else:  # the first page, by relevance: both show live stories, whatever the scores' ties
        assert incremental.titles <= expected and clean.titles <= expected, query
    assert incremental.tags == clean.tags == _tag_menu(step.stories, years), query


def _common_queries(browser, base_url: str, step: Step) -> None:
    """Common words, a tag alone (each tag), and a year range: counts as in a clean build."""
    for word in COMMON:
        _same_as_clean(browser, base_url, step, f"?q={word}", _expected(step.stories, word))
    for tag in ("Harbour", "Council"):
        _same_as_clean(browser, base_url, step, f"?tag={tag}", _expected(step.stories, tag=tag))
    # The range's shards hold 2019 and 2021 stories too, and the delta any year.
    _same_as_clean(browser, base_url, step, "?q=chronicle&from=2020&to=2020",
                   _expected(step.stories, "chronicle", years=(2020,)), years=(2020,))
    _same_as_clean(browser, base_url, step, "?q=harbour&from=2019&to=2020",
                   _expected(step.stories, "harbour", years=(2019, 2020)), years=(2019, 2020))


# -- the steps -------------------------------------------------------------------------------

def test_delta_finds_edits_additions_and_not_deletions_like_a_clean_build(
        browser, archive: Archive, base_url: str, step1: Step) -> None:
    search = step1.report.search
    assert not step1.report.full
    assert (search.delta, search.superseded, search.compacted) == (2, 2, 0)
    index = step1.index
    assert index["delta"] is not None and index["delta"]["articles"] == 2
    assert len(index["superseded"]) == 2
    assert [shard["articles"] for shard in index["shards"]] == [4, 4, 4, 3]  # as the cold build cut them
    assert searchable(archive.site) == searchable(step1.clean_site)

    deleted_word = BASE[DELETED].word
    _finds(browser, base_url, step1, f"?q={EDITED_STORY.word}", {EDITED_STORY.title})
    _finds(browser, base_url, step1, f"?q={BASE[EDITED].word}", set())
    _finds(browser, base_url, step1, f"?q={deleted_word}", set())
    _finds(browser, base_url, step1, f"?q={ADDED_STORY.word}", {ADDED_STORY.title})
    _common_queries(browser, base_url, step1)
    assert len(_expected(step1.stories, "chronicle")) == 15


def test_compaction_folds_the_delta_in_and_still_searches_like_a_clean_build(
        browser, archive: Archive, base_url: str, step1: Step, step2: Step) -> None:
    search = step2.report.search
    assert not step2.report.full
    # The delta would hold five stories: the shards they touch and the one with a deletion are
    # rebuilt (the second, now six stories, in two); the third shard is kept as it was.
    assert search.compacted == 3 and search.delta == 0 and search.superseded == 0
    index = step2.index
    assert index["delta"] is None and index["superseded"] == []
    assert [shard["articles"] for shard in index["shards"]] == [4, 3, 3, 4, 2]
    assert [shard["years"] for shard in index["shards"]] == [[2019], [2019, 2020], [2020], [2020, 2021],
                                                             [2021]]
    assert index["shards"][3]["path"] == step1.index["shards"][2]["path"]
    assert searchable(archive.site) == searchable(step2.clean_site)

    for old, new in ((BASE[EDITED], EDITED_STORY), (BASE[RETAGGED], RETAGGED_STORY),
                     (BASE[REWORDED], REWORDED_STORY)):
        _finds(browser, base_url, step2, f"?q={new.word}", {new.title})
        _finds(browser, base_url, step2, f"?q={old.word}", set())
    _finds(browser, base_url, step2, f"?q={BASE[DELETED].word}", set())
    for added in (ADDED_STORY, ADDED_2_STORY):
        _finds(browser, base_url, step2, f"?q={added.word}", {added.title})
    _common_queries(browser, base_url, step2)
    assert len(_expected(step2.stories, "chronicle")) == 16
