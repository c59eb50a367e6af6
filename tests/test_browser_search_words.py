"""Search finds what was asked and nothing else, in every language, with one filter UI (issue 16).

A small archive is written here and built with the real CLI into shards of two articles, so that
most shards lack any given word. That is where Pagefind, asked for a word an index does not
have, matches the longest shorter word it does have ("theocracy" finds "the", "Idlib" finds "I")
in every such shard; the page must drop those hits and count only real ones. The archive also
has articles in Russian, German, Arabic and Japanese, tags that are not in the text, and a tag
on more than a page of articles for browsing by filter alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.browser_support import (
    PREFIX,
    RESULT_LINKS,
    Watched,
    build_copy,
    count_text,
    open_search,
    result_titles,
)
from tests.search_support import manifest

pytestmark = pytest.mark.browser

CONFIG = {
    "title": "Words archive", "base_url": "https://example.org/archive/", "language": "en",
    "timezone": "UTC", "permalinks": "/{year}/{month:02}/{slug}/", "search": {"shard_articles": 2},
}

# (slug, date, title, language, tags, authors, source, body)
ARTICLES = [
    ("souks", "2018-05-01", "Damascus markets reopen", "en", ["Syria", "Archive"], ["Bob Jones"], "",
     "The souks of the old city reopened after repairs. Traders returned to their stalls."),
    ("harvest", "2018-09-01", "A quiet harvest", "en", ["Archive"], [], "",
     "So the farmers said, and so it was: I think the harvest was good. Trade with Syria was mentioned."),
    ("budget", "2019-01-10", "Budget approved", "en", ["Economy", "Archive"], [], "",
     "The council runs the budget. I was told so by the clerk."),
    ("roads", "2019-06-01", "Roads resurfaced", "en", ["Archive"], [], "",
     "I saw the crews at work; so did the mayor."),
    ("idlib", "2020-03-05", "Talks in Moscow", "en", ["Syria", "Russia", "Archive"], ["Anna Smith"],
     "https://www.rt.com/news/482095-putin-erdogan-talks/",
     "Putin and Erdogan met in Moscow to discuss Idlib. Running talks went on for hours."),
    ("weather", "2020-07-01", "A hot summer", "en", ["Archive"], [], "",
     "The heat was the story of the summer, so they said."),
    ("ru", "2020-03-06", "Переговоры в Москве", "ru", ["Россия", "Archive"], ["Иван Петров"], "",
     "Путин и Эрдоган провели переговоры в Москве о ситуации в Идлибе."),
    ("de", "2020-03-07", "Verhandlungen in Moskau", "de", ["Russland", "Archive"], ["Hans Müller"], "",
     "Die Präsidenten verhandelten über ein Waffenstillstandsabkommen in Syrien."),
    ("ar", "2020-03-08", "محادثات في موسكو", "ar", ["سوريا", "Archive"], [], "",
     "التقى الرئيسان في موسكو لبحث الوضع في إدلب واتفقا على وقف إطلاق النار."),
    ("ja", "2020-03-09", "モスクワで会談", "ja", ["ロシア", "Archive"], [], "",
     "プーチン大統領とエルドアン大統領はモスクワで会談し、停戦で合意した。"),
    ("port", "2021-02-01", "Port expansion", "en", ["Archive"], [], "",
     "I hear the port will grow; so the plan says. The WeWork office moved. It cost $77million."),
    ("school", "2021-09-01", "New school opens", "en", ["Archive"], [], "",
     "The pupils met their teachers; I was there, and so was the press."),
]
# Summaries (Pagefind indexes them with the text; the page shows them in listings).
SUMMARIES = {"weather": "Forecasters warned of a drought."}
LANGUAGE_WORDS = {"ru": "переговоры", "de": "Waffenstillstandsabkommen", "ar": "موسكو", "ja": "停戦"}
TITLE = {slug: title for slug, _, title, *_ in ARTICLES}


def _write_archive(root: Path) -> Path:
    project = root / "words-archive"
    (project / "content").mkdir(parents=True)
    (project / "site_config.yaml").write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    for slug, date, title, language, tags, authors, source, body in ARTICLES:
        meta = {"title": title, "date": date, "language": language, "tags": tags, "authors": authors}
        if source:
            meta["source"] = source
        if slug in SUMMARIES:
            meta["summary"] = SUMMARIES[slug]
        text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n" + body + "\n"
        (project / "content" / f"{slug}.md").write_text(text, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("words")
    out = build_copy(_write_archive(root / "src"), root)
    shards = manifest(out)["shards"]
    assert len(shards) == 6, shards
    assert {lang for shard in shards for lang in shard["languages"]} == {"en", "ru", "de", "ar", "ja"}
    return out


def _search(w: Watched, base_url: str, query: str) -> list[str]:
    """Open the search page at ``query`` and return the titles shown once it is done."""
    w.page.goto(base_url + "search/" + query, wait_until="load")
    _wait_done(w)
    return result_titles(w)


def _wait_done(w: Watched) -> None:
    w.page.wait_for_function("() => document.getElementById('search').dataset.done === location.search",
                             timeout=15_000)


def _status(w: Watched) -> str:
    return w.page.locator("#search-status").inner_text()


@pytest.mark.parametrize(("query", "expected"), [
    ("theocracy", []),            # "the" is in every shard
    ("Idlib", ["idlib"]),         # "I" is in most shards
    ("souks", ["souks"]),         # "so" is in most shards
    ("souks reopened", ["souks"]),
    ("Idlib stalls", []),         # both words exist, never in one article
    ("zzqxv", []),
])
def test_only_articles_that_have_every_word_are_found(watched: Watched, base_url: str, query: str,
                                                      expected: list[str]) -> None:
    titles = _search(watched, base_url, f"?q={query}")
    assert sorted(titles) == sorted(TITLE[slug] for slug in expected)
    assert _status(watched) == count_text(len(expected))


def test_a_year_range_without_the_word_finds_nothing(watched: Watched, base_url: str) -> None:
    assert _search(watched, base_url, "?q=Idlib&from=2018&to=2018") == []
    assert _status(watched) == "No results."


def test_the_same_stem_and_the_start_of_a_word_are_found(watched: Watched, base_url: str) -> None:
    # "running" and "runs" share the stem "run"; "Syri" is how "Syria" starts while typing.
    assert sorted(_search(watched, base_url, "?q=running")) == sorted([TITLE["idlib"], TITLE["budget"]])
    assert set(_search(watched, base_url, "?q=Syri")) >= {TITLE["souks"], TITLE["idlib"], TITLE["harvest"]}


def test_the_summary_and_the_parts_of_a_camel_case_word_count_as_text(watched: Watched,
                                                                       base_url: str) -> None:
    # Pagefind indexes the summary and "WeWork" as "we" and "work" too: the check that drops a
    # shorter word's hits must read them the same way, or it drops real hits.
    assert _search(watched, base_url, "?q=drough") == [TITLE["weather"]]
    assert sorted(_search(watched, base_url, "?q=wor")) == sorted([TITLE["roads"], TITLE["port"]])
    assert _search(watched, base_url, "?q=mill") == [TITLE["port"]]  # "$77million"


def test_each_word_may_count_by_its_stem_or_by_its_start(watched: Watched, base_url: str) -> None:
    # The budget article has "runs" (the stem of "running") and "budget" (which starts "budg").
    assert _search(watched, base_url, "?q=running+budg") == [TITLE["budget"]]


def test_a_typed_run_of_an_unspaced_script_is_found_only_as_typed(watched: Watched, base_url: str) -> None:
    # The Japanese article says "...会談し、停戦で合意した": both words of "会談停戦", never in a run.
    assert _search(watched, base_url, "?q=停戦で合意") == [TITLE["ja"]]
    assert _search(watched, base_url, "?q=会談停戦") == []
    assert _status(watched) == "No results."


def test_a_tag_name_finds_the_articles_carrying_it_first(watched: Watched, base_url: str) -> None:
    titles = _search(watched, base_url, "?q=Syria")
    assert sorted(titles) == sorted([TITLE["souks"], TITLE["idlib"], TITLE["harvest"]])
    # In one shard (one index, so scores compare): tagged Syria, the word nowhere in its text,
    # ranks above a mere mention.
    assert titles.index(TITLE["souks"]) < titles.index(TITLE["harvest"])


def test_authors_and_the_source_name_are_searchable(watched: Watched, base_url: str) -> None:
    assert _search(watched, base_url, "?q=Jones") == [TITLE["souks"]]
    assert _search(watched, base_url, "?q=rt.com") == [TITLE["idlib"]]
    assert _search(watched, base_url, "?q=Петров") == [TITLE["ru"]]


@pytest.mark.parametrize("language", sorted(LANGUAGE_WORDS))
def test_each_language_is_found_by_its_own_words(watched: Watched, base_url: str, language: str) -> None:
    assert _search(watched, base_url, f"?q={LANGUAGE_WORDS[language]}") == [TITLE[language]]
    item = watched.page.locator("#search-results li").first
    assert item.get_attribute("lang") == language


@pytest.mark.parametrize(("page_language", "locale"), [("ja", "de-DE"), ("ar", "ru-RU")])
def test_languages_are_found_whatever_the_page_and_browser_language(
        browser, base_url: str, page_language: str, locale: str) -> None:
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        def in_page_language(route) -> None:  # the search page as a site in another language serves it
            response = route.fetch()
            route.fulfill(response=response, body=response.text().replace(
                '<html lang="en"', f'<html lang="{page_language}"'))

        page.route("**/search/?*", in_page_language)
        w = Watched(page, base_url.removesuffix(PREFIX))
        for language, word in LANGUAGE_WORDS.items():
            assert _search(w, base_url, f"?q={word}") == [TITLE[language]], (language, word)
        assert page.evaluate("document.documentElement.lang") == page_language
        w.assert_clean()
    finally:
        context.close()


def test_right_to_left_results_read_right_to_left(watched: Watched, base_url: str) -> None:
    assert _search(watched, base_url, "?q=" + LANGUAGE_WORDS["ar"]) == [TITLE["ar"]]
    direction = watched.page.evaluate(
        "() => getComputedStyle(document.querySelector('#search-results .excerpt')).direction")
    assert direction == "rtl"
    english = _search(watched, base_url, "?q=Idlib")
    assert english == [TITLE["idlib"]]
    assert watched.page.evaluate(
        "() => getComputedStyle(document.querySelector('#search-results .excerpt')).direction") == "ltr"


def test_browsing_by_a_filter_alone_lists_newest_first_with_more(watched: Watched, base_url: str) -> None:
    page = watched.page
    titles = _search(watched, base_url, "?tag=Archive")
    assert _status(watched) == count_text(len(ARTICLES))
    assert len(titles) == 10
    dates = page.locator("#search-results time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates, reverse=True)
    page.locator("#search-more").click()
    page.wait_for_function("n => document.querySelectorAll('#search-results li').length === n",
                           arg=len(ARTICLES))
    assert sorted(result_titles(watched)) == sorted(TITLE.values())
    assert page.locator("#search-more").is_hidden()


def test_every_state_is_in_the_url_and_survives_reload_and_history(watched: Watched, base_url: str) -> None:
    page = watched.page
    state = "?q=the&tag=Archive&from=2019&to=2020&sort=newest"
    _search(watched, base_url, state)
    first = result_titles(watched)
    assert first and page.url.endswith(state)

    def controls() -> list[str]:
        return [page.locator(f"#search-{name}").input_value() for name in ("q", "tag", "from", "to", "sort")]

    assert controls() == ["the", "Archive", "2019", "2020", "newest"]
    page.reload(wait_until="load")
    _wait_done(watched)
    assert controls() == ["the", "Archive", "2019", "2020", "newest"] and result_titles(watched) == first

    # The range's ends cannot cross: "from" past "to" moves "to" along.
    page.locator("#search-from").select_option("2021")
    _wait_done(watched)
    assert controls()[2:4] == ["2021", "2021"]
    assert page.url.endswith("?q=the&tag=Archive&from=2021&sort=newest"), page.url
    assert set(result_titles(watched)) == {TITLE["port"], TITLE["school"]}

    page.go_back(wait_until="commit")
    _wait_done(watched)
    assert page.url.endswith(state) and controls() == ["the", "Archive", "2019", "2020", "newest"]
    assert result_titles(watched) == first
    page.go_forward(wait_until="commit")
    _wait_done(watched)
    assert controls()[2:4] == ["2021", "2021"]


def test_an_old_year_link_opens_as_a_range(watched: Watched, base_url: str) -> None:
    titles = _search(watched, base_url, "?q=the&year=2019")
    assert sorted(titles) == sorted([TITLE["budget"], TITLE["roads"]])
    page = watched.page
    assert [page.locator(f"#search-{n}").input_value() for n in ("from", "to")] == ["2019", "2019"]


def test_results_link_to_the_articles(watched: Watched, base_url: str) -> None:
    _search(watched, base_url, "?q=Idlib")
    link = watched.page.locator(RESULT_LINKS).first
    with watched.page.expect_navigation(wait_until="load"):
        link.click()
    assert watched.page.locator("h1").inner_text().strip() == TITLE["idlib"]


def test_open_search_helper_still_waits_for_the_menus(watched: Watched, base_url: str) -> None:
    open_search(watched, base_url)
    options = watched.page.locator("#search-tag option").all_inner_texts()
    assert "Syria (2)" in options and "Archive (12)" in options
