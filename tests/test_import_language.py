"""An article's language: declared codes normalized, charsets refused, scripts that name one language.

The build stems and segments each article's words by its language, so a wrong code makes it
unfindable by its own words (found in the search-quality benchmark: People's Daily declares its
Content-Language as "utf-8", and the Chinese article was indexed as English).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archivegen.importing.language import article_language, declared_language, script_language
from tests.conftest import SHARED
from tests.test_import import WORDS, Archive


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


@pytest.mark.parametrize(("value", "expected"), [
    ("en", "en"), ("EN", "en"), ("pt_br", "pt-BR"), ("de-DE", "de-DE"), ("zh-hant-tw", "zh-Hant-TW"),
    ("en, fr", "en"), (" no ", "no"), ("hz", "hz"),
    ("utf-8", ""), ("UTF-8", ""), ("utf", ""), ("windows-1251", ""), ("iso-8859-1", ""), ("gb2312", ""),
    ("", ""), (None, ""), ("english", ""), ("e", ""), ("en-", ""),
])
def test_a_declared_language_is_a_language_tag_not_a_charset(value: str | None, expected: str) -> None:
    assert declared_language(value) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("习近平主席向首届论坛致贺信，在会场内外引发热烈反响。", "zh"),
    ("東京都は十日、新しい計画を発表した。市民の反応はさまざまだ。", "ja"),
    ("서울시는 새로운 예산안을 발표했다.", "ko"),
    ("รัฐบาลประกาศงบประมาณใหม่", "th"),
    ("Η κυβέρνηση ανακοίνωσε τον νέο προϋπολογισμό.", "el"),
    ("הממשלה הודיעה על תקציב חדש.", "he"),
    # Scripts many languages share name none: the site's language applies.
    ("The council approved the budget.", ""), ("Правительство объявило новый бюджет.", ""),
    ("أعلنت الحكومة عن ميزانية جديدة.", ""), ("", ""), ("2024 — 15:30", ""),
    # A few foreign words in an article of a shared script do not decide it.
    ("The Tokyo (東京) office of the Gazette reported on the council's new budget today.", ""),
])
def test_a_script_only_one_language_writes_names_it(text: str, expected: str) -> None:
    assert script_language(text) == expected


JAPANESE = "東京都は十日、新しい予算案を発表した。市民の反応はさまざまだった。"


@pytest.mark.parametrize(("declared", "text", "expected"), [
    ("", JAPANESE, "ja"), ("utf-8", JAPANESE, "ja"),
    ("en", JAPANESE, "ja"),  # a template's lang="en" over a Japanese article
    ("en-US", "서울시는 새로운 예산안을 발표했다.", "ko"),
    ("zh-TW", "習近平主席向首屆論壇致賀信。", "zh-TW"), ("ja", "東京都知事選挙。", "ja"),  # Han: no quarrel
    ("yi", "די רעגירונג האט געמאלדן.", "yi"),  # Hebrew script, another language that writes it
    ("de", "Die Regierung hat den Haushalt beschlossen.", "de"), ("", "The council met.", ""),
])
def test_the_text_s_script_corrects_a_declaration_in_another_script(declared: str, text: str,
                                                                     expected: str) -> None:
    assert article_language(declared, text) == expected


def test_an_undeclared_language_is_taken_from_the_script_and_a_declared_one_wins(archive: Archive) -> None:
    body = "\n\n".join([JAPANESE * 3] * 4)
    records = [{"title": f"新しい予算案 {n}", "body": f"{body}\n\n第{n}報。", "date": "2021-01-12T09:30:00Z",
                "url": f"https://news.example.jp/{n}", **extra}
               for n, extra in enumerate([{}, {"language": "utf-8"}, {"language": "ko"}])]
    result = archive.run(archive.write("a.json", json.dumps(records)))
    assert result.returncode == 0, result.stderr
    languages = sorted(a.language for a in archive.articles().values())
    assert languages == ["ja", "ja", "ko"]  # a language of another single-language script stands


PEOPLES_DAILY = SHARED / "corpus/fundus-testdata/test_data/cn/People_2024_04_24.html.gz"


@pytest.mark.skipif(not PEOPLES_DAILY.is_file(), reason="needs ../shared/corpus")
def test_a_page_declaring_a_charset_as_its_language_imports_as_chinese(archive: Archive) -> None:
    """The real page: <meta http-equiv="Content-Language" content="utf-8">, Chinese text."""
    result = archive.run("--default-date", "2024-04-24", str(PEOPLES_DAILY))
    assert result.returncode == 0, result.stderr
    assert [a.language for a in archive.articles().values()] == ["zh"]


def test_words_of_a_shared_script_keep_the_site_language(archive: Archive) -> None:
    record = {"title": "Бюджет принят", "body": "\n\n".join(f"{WORDS} Пункт {n}." for n in range(4)),
              "date": "2021-01-12T09:30:00Z", "url": "https://news.example.ru/a"}
    assert archive.run(archive.write("a.json", json.dumps([record]))).returncode == 0
    assert [a.language for a in archive.articles().values()] == [""]
