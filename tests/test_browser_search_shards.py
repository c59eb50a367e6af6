"""The search page over a sharded index (base shards, a delta, index.json) in a real browser.

The index is made by hand (``tests/shard_site.py``) with the real Pagefind binary: 30 articles
over 2019-2021 in two base shards (2019-2020, 2021), then one 2020 article edited, one 2021
article deleted, and a 2019 article and a 2022 one added: three articles in the delta (one in a
year no shard holds) and two base records among the superseded. The page must find exactly the
live articles, count them, scope them by year range, and order them by date with the delta
interleaved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.browser_support import (
    PREFIX,
    RESULT_LINKS,
    Watched,
    open_search,
    result_titles,
    serve,
    wait_for_results,
)
from tests.shard_site import (
    ShardedSite,
    article_date,
    make_sharded_site,
    write_article_pages,
    write_search_page,
)

pytestmark = pytest.mark.browser

YEARS = (2019, 2020, 2021)  # the base shards' years
ALL_YEARS = (*YEARS, 2022)   # 2022 is only in the delta
TAGS = ("Climate", "Transport", "Health")
COMMON = "chronicle"     # in every article
OLD_WORD = "heliotrope"  # only in the edited article's base version
NEW_WORD = "marzipan"    # only in the edited article's new version
GONE_WORD = "obsidian"   # only in the deleted article
FRESH_WORD = "tamarind"  # only in the new 2019 article
LATEST_WORD = "kumquat"  # only in the new 2022 article


def _unique(i: int) -> str:
    """A word of its own for each article, none a prefix of another (Pagefind matches prefixes)."""
    return "zq" + "".join(chr(97 + (i // 26 ** n) % 26) for n in range(3))


def _article(year: int, k: int, extra: str = "", tags: tuple[str, ...] = ()) -> dict:
    title = f"Story {k} of {year}"
    return {"path": f"/{year}/{k + 1:02d}/story-{k}/", "title": title, "date": f"{year}-{k + 1:02d}-10",
            "tags": [TAGS[k % 3], *tags],
            "body": f"<p>{title}: a {COMMON} of the year, with {_unique(year * 10 + k)} {extra}.</p>"}


BASE = {(year, k): _article(year, k) for year in YEARS for k in range(10)}
BASE[2020, 4] = EDITED_BASE = _article(2020, 4, OLD_WORD, ("Before",))
BASE[2021, 3] = DELETED = _article(2021, 3, GONE_WORD, ("Obsolete",))
EDITED = {**EDITED_BASE, "title": "Story 4 of 2020, corrected", "tags": [TAGS[1], "After"],
          "body": f"<p>Corrected: a {COMMON} of the year, now with {NEW_WORD}.</p>"}
NEW = {"path": "/2019/06/late-story/", "title": "A late story of 2019", "date": "2019-06-20T15:30:00+02:00",
       "tags": ["Climate", "__proto__"], "body": f"<p>Found late: a {COMMON} with {FRESH_WORD} in it.</p>"}
LATEST = {"path": "/2022/01/new-year/", "title": "The first story of 2022",
          "date": "2022-01-05T08:00:00+00:00", "tags": ["Health"],
          "body": f"<p>A {COMMON} of a new year, with {LATEST_WORD} in it.</p>"}
LIVE = [EDITED if a is EDITED_BASE else a for a in BASE.values() if a is not DELETED] + [NEW, LATEST]
SHARDS = [[a for (year, _), a in BASE.items() if year < 2021],  # 2019-2020 in one shard
          [a for (year, _), a in BASE.items() if year == 2021]]


def _expected(word: str | None = None, tag: str | None = None,
              years: tuple[int, ...] = ALL_YEARS) -> list[str]:
    """Titles of the live articles that match, newest first (what a clean build would find)."""
    found = [a for a in LIVE if (word is None or word in (a["title"] + a["body"]).lower())
             and (tag is None or tag in a["tags"]) and article_date(a).year in years]
    return [a["title"] for a in sorted(found, key=article_date, reverse=True)]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> ShardedSite:
    root = tmp_path_factory.mktemp("sharded") / "site"
    made = make_sharded_site(root, SHARDS, LIVE)
    write_search_page(root, PREFIX, ALL_YEARS)
    write_article_pages(root, LIVE)
    assert len(made.manifest["shards"]) == 2 and made.manifest["delta"]["articles"] == 3
    assert len(made.manifest["superseded"]) == 2
    return made


@pytest.fixture(scope="module")
def base_url(sharded: ShardedSite) -> Iterator[str]:
    with serve(sharded.root) as url:
        yield url


def _bundles_requested(w: Watched) -> set[str]:
    return {m.group(1) for path in w.requested if (m := re.search(r"/pagefind/([^/]+/)", path))}


def _dates(w: Watched) -> list[str]:
    return w.page.locator("#search-results time").evaluate_all("els => els.map(e => e.dateTime)")


def _more(w: Watched, shown: int) -> list[str]:
    w.page.locator("#search-more").click()
    w.page.wait_for_function("n => document.querySelectorAll('#search-results li').length === n", arg=shown)
    return result_titles(w)


def _type(w: Watched, text: str) -> None:
    box = w.page.locator("#search-q")
    box.fill("")
    box.press_sequentially(text, delay=20)


def test_edited_article_is_found_by_its_new_word_not_its_old_one(watched: Watched, base_url: str) -> None:
    open_search(watched, base_url, f"?q={OLD_WORD}")
    assert wait_for_results(watched, 0) == []
    _type(watched, NEW_WORD)
    assert wait_for_results(watched, 1) == [EDITED["title"]]
    href = watched.page.locator(RESULT_LINKS).first.get_attribute("href")
    assert urlsplit(href).path == PREFIX + EDITED["path"].lstrip("/")
    assert watched.page.url.endswith(f"/search/?q={NEW_WORD}")


def test_deleted_article_is_not_found_and_the_new_one_is(watched: Watched, base_url: str) -> None:
    open_search(watched, base_url, f"?q={GONE_WORD}")
    assert wait_for_results(watched, 0) == []
    _type(watched, FRESH_WORD)
    assert wait_for_results(watched, 1) == [NEW["title"]]
    assert _dates(watched) == ["2019-06-20"]
    marks = watched.page.locator("#search-results .excerpt mark").all_inner_texts()
    assert [m.lower() for m in marks] == [FRESH_WORD]


def test_result_count_is_the_live_set_and_more_results_pages(watched: Watched, base_url: str) -> None:
    open_search(watched, base_url, f"?q={COMMON}")
    expected = _expected(COMMON)
    assert len(expected) == 31
    assert len(wait_for_results(watched, len(expected))) == 10
    assert len(_more(watched, 20)) == 20
    assert len(_more(watched, 30)) == 30
    shown = _more(watched, 31)
    assert sorted(shown) == sorted(expected)  # no superseded record, no duplicate
    assert watched.page.locator("#search-more").is_hidden()


def test_menus_count_live_articles_from_the_manifest(watched: Watched, base_url: str) -> None:
    page = watched.page
    open_search(watched, base_url)
    tags = page.locator("#search-tag option").all_inner_texts()
    # Pagefind's own counts would include the superseded records' tags "Before" and "Obsolete".
    assert tags == ["All tags", "__proto__ (1)", "After (1)", "Climate (12)", "Health (10)", "Transport (9)"]
    assert page.locator("#search-from option").all_inner_texts() == ["2019", "2020", "2021", "2022"]
    page.locator("#search-from").select_option("2021")
    page.locator("#search-to").select_option("2021")
    page.wait_for_function("() => document.getElementById('search-tag').options.length === 4")
    assert page.locator("#search-tag option").all_inner_texts() == [
        "All tags", "Climate (3)", "Health (3)", "Transport (3)"]


def test_tag_alone_searches_and_a_tag_narrows_a_query(watched: Watched, base_url: str) -> None:
    page = watched.page
    open_search(watched, base_url, "?tag=After")
    assert wait_for_results(watched, 1) == [EDITED["title"]]
    page.locator("#search-tag").select_option("Climate")
    assert len(_expected(tag="Climate")) == 12
    wait_for_results(watched, 12)
    _type(watched, FRESH_WORD)
    assert wait_for_results(watched, 1) == [NEW["title"]]
    assert page.url.endswith(f"?q={FRESH_WORD}&tag=Climate")
    page.locator("#search-tag").select_option("Health")
    wait_for_results(watched, 0)


def test_year_range_loads_its_shards_and_keeps_to_its_years(
        watched: Watched, base_url: str, sharded: ShardedSite) -> None:
    page = watched.page
    old_shard, new_shard = (s["path"] for s in sharded.manifest["shards"])
    delta = sharded.manifest["delta"]["path"]
    open_search(watched, base_url, f"?q={COMMON}&from=2021&to=2021")
    expected = _expected(COMMON, years=(2021,))
    assert sorted(wait_for_results(watched, len(expected))) == sorted(expected)
    assert _bundles_requested(watched) == {new_shard, delta}

    # The older shard holds 2019 too, and the delta an article of each year: the year filter
    # keeps both to the range.
    page.locator("#search-from").select_option("2020")
    page.locator("#search-to").select_option("2020")
    expected = _expected(COMMON, years=(2020,))
    assert len(expected) == 10 and EDITED["title"] in expected
    assert sorted(wait_for_results(watched, len(expected))) == sorted(expected)
    assert "from=2020&to=2020" in page.url
    assert old_shard in _bundles_requested(watched)

    page.locator("#search-from").select_option("2019")
    page.locator("#search-to").select_option("2019")
    expected = _expected(COMMON, years=(2019,))
    assert len(expected) == 11 and NEW["title"] in expected
    wait_for_results(watched, len(expected))
    assert sorted(_more(watched, len(expected))) == sorted(expected)




def test_a_year_only_the_delta_holds_is_searched_in_the_delta_alone(
        watched: Watched, base_url: str, sharded: ShardedSite) -> None:
    open_search(watched, base_url, f"?q={COMMON}&from=2022")
    assert wait_for_results(watched, 1) == [LATEST["title"]]
    assert _bundles_requested(watched) == {sharded.manifest["delta"]["path"]}
    watched.page.locator("#search-sort").select_option("newest")
    watched.page.locator("#search-q").fill(LATEST_WORD)
    watched.page.locator("#search-q").press("Enter")
    assert wait_for_results(watched, 1) == [LATEST["title"]]
    assert "sort=newest" in watched.page.url


def test_newest_first_interleaves_the_delta_at_its_date(watched: Watched, base_url: str) -> None:
    open_search(watched, base_url, f"?q={COMMON}&sort=newest")
    expected = _expected(COMMON)
    assert wait_for_results(watched, len(expected)) == expected[:10]
    assert _more(watched, 20) == expected[:20]
    assert _more(watched, 30) == expected[:30]
    assert _more(watched, 31) == expected
    dates = _dates(watched)
    assert dates == sorted(dates, reverse=True)
    assert expected.index(LATEST["title"]) == 0
    assert expected.index(EDITED["title"]) == 15 and expected.index(NEW["title"]) == 24
    assert watched.page.locator("#search-more").is_hidden()


def test_newest_first_within_a_range_and_for_a_tag_alone(watched: Watched, base_url: str) -> None:
    page = watched.page
    open_search(watched, base_url, f"?q={COMMON}&sort=newest&from=2019&to=2020")
    expected = _expected(COMMON, years=(2019, 2020))
    assert len(expected) == 21
    assert wait_for_results(watched, len(expected)) == expected[:10]
    assert _more(watched, 20) == expected[:20]
    assert _more(watched, 21) == expected
    _type(watched, "")
    page.locator("#search-tag").select_option("Climate")
    expected = _expected(tag="Climate", years=(2019, 2020))
    assert wait_for_results(watched, len(expected)) == expected
