"""The plain-text dump cleaner: the seed article exactly, datelines, junk removal, quality floor.

The synthetic dumps below imitate sites other than the seed's (names and texts are invented), so
that a rule written for one page cannot pass as a general one. The quality test scores a slice
of the scrapinghub benchmark's plain-text dumps, read in place from ../shared.
"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
import time
from datetime import datetime
from types import ModuleType

import pytest

from archivegen.importing.extracted import NoArticle
from archivegen.importing.textdump import TextDump, parse_text_dump
from tests.conftest import SHARED

SEED = SHARED / "seeds" / "000_97907ec7cde03577.txt"
SCORER = SHARED / "tools" / "extraction_eval.py"
CORPUS = SHARED / "corpus"

SEED_TITLE = ("Acute crisis in Syria's Idlib demanded our direct talks, Putin says as he meets Erdogan "
              "in Moscow")


@pytest.fixture(scope="module")
def seed() -> TextDump:
    if not SEED.is_file():
        pytest.skip(f"{SEED} missing")
    return parse_text_dump(SEED.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the seed


def test_seed_title_and_date(seed: TextDump) -> None:
    assert seed.title == SEED_TITLE
    assert seed.date == datetime(2020, 3, 5, 11, 15)


def test_seed_body_from_lede_to_last_paragraph(seed: TextDump) -> None:
    paragraphs = seed.paragraphs
    assert paragraphs[0].startswith("Dozens of Turkish troops died in a Syrian airstrike")
    last = "Nevertheless, both Moscow and Ankara set their hopes high for the meeting in Moscow."
    assert paragraphs[-1] == last
    # Every article paragraph of the page, in order, and nothing else.
    starts = ["Dozens of Turkish troops", "Vladimir Putin expressed", "“Unfortunately, as I already told",
              "Attributed to the Syrian military", "The Turkish army also declared",
              "Now the situation in the well-known zone in Idlib has become so grave",
              "“We need to talk through", "Erdogan in turn hailed", "While the much-awaited meeting",
              "Nevertheless, both Moscow and Ankara"]
    assert len(paragraphs) == len(starts)
    for paragraph, start in zip(paragraphs, starts, strict=True):
        assert paragraph.startswith(start)


def test_seed_junk_dropped(seed: TextDump) -> None:
    body = "\n".join(seed.paragraphs)
    assert SEED_TITLE not in body  # the headline, printed twice on the page, is the title only
    assert "icon" not in body  # the line of icon names
    assert "Also on rt.com" not in body
    assert "Share this story" not in body
    assert "5 Mar, 2020" not in body


# --------------------------------------------------------------------------- datelines

ARTICLE = [
    "The city council approved the new budget on Tuesday after a long debate about the cost of "
    "public transport and the repair of the old bridge over the river.",
    "Members of the opposition said that the plan was not ambitious enough, but they agreed to "
    "support it because the repairs could not wait for another winter.",
    "The mayor said the first works would start in the spring and that the bridge would be open "
    "again to cars and buses by the end of the year.",
]


def dump(*head: str, body: list[str] | None = None, tail: tuple[str, ...] = ()) -> str:
    """A page as html-text prints it: menu lines, then the given head, the article, the tail."""
    menu = ["Home", "News", "Politics", "Sport", "Culture", "Weather"]
    return "\n".join([*menu, "", *head, "", *(body if body is not None else ARTICLE), "", *tail])


@pytest.mark.parametrize(("line", "expected"), [
    ("5 Mar, 2020 11:15", datetime(2020, 3, 5, 11, 15)),
    ("March 5, 2020", datetime(2020, 3, 5)),
    ("2020-03-05", datetime(2020, 3, 5)),
    ("2020-03-05T11:15:00Z", datetime(2020, 3, 5, 11, 15)),
    ("05.03.2020 11:15", datetime(2020, 3, 5, 11, 15)),
    ("Published: 5 March 2020, 11:15", datetime(2020, 3, 5, 11, 15)),
    ("Updated 1:39 am EST, Thursday, March 5, 2020", datetime(2020, 3, 5, 1, 39)),
    ("PUBLISHED: 10:48, Thu, Mar 5, 2020", datetime(2020, 3, 5, 10, 48)),
    ("Reuters March 5, 2020 11:03 PM", datetime(2020, 3, 5, 23, 3)),
    ("Veröffentlicht am 5. März 2020, 11:15 Uhr", datetime(2020, 3, 5, 11, 15)),
    ("03/05/2020", datetime(2020, 3, 5)),  # an English page: the US order
    ("13/3/2020", datetime(2020, 3, 13)),  # 13 cannot be a month
    ("2020年3月5日 11:15", datetime(2020, 3, 5, 11, 15)),
])
def test_datelines(line: str, expected: datetime) -> None:
    found = parse_text_dump(dump("Council approves budget for the bridge", line))
    assert found.date == expected
    assert all(line not in paragraph for paragraph in found.paragraphs)


def test_slashed_date_on_a_french_page_is_day_first() -> None:
    article = [
        "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur le coût des "
        "transports publics et la réparation du vieux pont sur la rivière.",
        "Selon le maire, les premiers travaux commenceront au printemps et le pont sera de nouveau "
        "ouvert aux voitures et aux bus à la fin de l'année.",
    ]
    found = parse_text_dump(dump("Le conseil adopte le budget du pont", "Publié le 05/03/2020 à 11h15",
                                 body=article))
    assert found.date == datetime(2020, 3, 5, 11, 15)
    assert found.paragraphs == tuple(article)


def test_published_beats_updated() -> None:
    found = parse_text_dump(dump("Council approves budget for the bridge",
                                 "Updated: 7 March 2020, 09:00", "Published: 5 March 2020, 11:15"))
    assert found.date == datetime(2020, 3, 5, 11, 15)


def test_a_date_in_a_sentence_is_no_dateline() -> None:
    sentence = "The council first discussed the plan on March 5, 2020, in a closed session."
    found = parse_text_dump(dump("Council approves budget for the bridge", body=[*ARTICLE, sentence]))
    assert found.date is None
    assert sentence in found.paragraphs


# --------------------------------------------------------------------------- junk from other sites


def test_english_site_share_prompts_cross_links_footer() -> None:
    text = dump(
        "Council approves budget for the bridge | The Riverside Gazette",
        "Council approves budget for the bridge",
        "By Jane Doe",
        "Published: 5 March 2020",
        "Share on Facebook",
        "Tweet",
        body=[ARTICLE[0], "Advertisement", ARTICLE[1], "Read more: Bridge closed again after storm damage",
              "Photo: John Smith/Riverside Gazette", ARTICLE[2]],
        tail=("Share this article", "Sign up for our daily newsletter", "Related stories",
              "Bridge closed again after storm damage", "Mayor opens new library", "Comments",
              "© 2020 Riverside Gazette. All rights reserved.", "Privacy Policy", "Terms of Use"),
    )
    found = parse_text_dump(text)
    assert found.title == "Council approves budget for the bridge"
    assert found.date == datetime(2020, 3, 5)
    assert found.paragraphs == tuple(ARTICLE)


def test_german_site_cross_links_and_cookie_banner() -> None:
    artikel = [
        "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen, nachdem lange über die Kosten "
        "des Nahverkehrs und die Reparatur der alten Brücke gestritten worden war.",
        "Die Opposition sagte, der Plan sei nicht ehrgeizig genug, stimmte aber zu, weil die "
        "Reparatur nicht noch einen Winter warten könne.",
        "Die Bürgermeisterin sagte, die ersten Arbeiten würden im Frühjahr beginnen und die Brücke "
        "sei bis zum Jahresende wieder für Autos und Busse offen.",
    ]
    text = "\n".join([
        "Wir verwenden Cookies, um Ihnen ein besseres Erlebnis auf unserer Website zu bieten. Mit der "
        "Nutzung der Website stimmen Sie der Verwendung von Cookies zu.",
        "Startseite", "Politik", "Wirtschaft", "Sport", "",
        "Stadtrat beschließt Haushalt für die Brücke", "05.03.2020, 11:15 Uhr", "",
        artikel[0], "Lesen Sie auch: Brücke nach Sturm wieder gesperrt", artikel[1], "Anzeige", artikel[2],
        "",
        "Mehr zum Thema", "Brücke nach Sturm wieder gesperrt", "Impressum", "Datenschutz",
    ])
    found = parse_text_dump(text)
    assert found.title == "Stadtrat beschließt Haushalt für die Brücke"
    assert found.date == datetime(2020, 3, 5, 11, 15)
    assert found.paragraphs == tuple(artikel)


def test_teaser_list_after_the_article_is_dropped() -> None:
    teasers = []
    for number in range(1, 6):
        teasers += [f"Local team wins the regional cup for the {number}th time in a row",
                    f"The players celebrated late into the night after a match that went to penalties, "
                    f"the {number}th final in a row.",
                    f"{number}h ago"]
    found = parse_text_dump(dump("Council approves budget for the bridge",
                                 body=[*ARTICLE, "More News", *teasers]))
    assert found.paragraphs == tuple(ARTICLE)


def test_list_announced_by_a_colon_is_kept() -> None:
    items = ["A new deck for the bridge", "Two more bus lines", "Longer opening hours at the library"]
    body = [ARTICLE[0], "The budget pays for three projects:", *items, ARTICLE[1], ARTICLE[2]]
    found = parse_text_dump(dump("Council approves budget for the bridge", body=body))
    assert found.paragraphs == tuple(body)


def test_hard_wrapped_dump_is_unwrapped() -> None:
    wrapped = "\n\n".join(textwrap.fill(paragraph, 72) for paragraph in ARTICLE)
    page = f"Home\nNews\nSport\n\nCouncil approves budget for the bridge\n\n{wrapped}\n\nContact us\n"
    found = parse_text_dump(page)
    assert found.paragraphs == tuple(ARTICLE)


def test_language_without_function_word_list() -> None:
    # Finnish: no list of ours covers it, so case and punctuation decide.
    body = [
        "Kaupunginvaltuusto hyväksyi tiistaina uuden talousarvion pitkän keskustelun jälkeen, jossa "
        "puhuttiin joukkoliikenteen kustannuksista ja vanhan sillan korjaamisesta.",
        "Opposition mukaan suunnitelma ei ole tarpeeksi kunnianhimoinen, mutta se päätti tukea sitä, "
        "koska korjaukset eivät voi odottaa vielä yhtä talvea.",
    ]
    found = parse_text_dump("Etusivu\nUutiset\nUrheilu\nKulttuuri\n\nValtuusto hyväksyi talousarvion\n\n"
                            + "\n\n".join(body) + "\n\nOta yhteyttä\nTietosuoja\n")
    assert found.paragraphs == tuple(body)
    assert found.title == "Valtuusto hyväksyi talousarvion"


@pytest.mark.parametrize("text", [
    "",
    "   \n\n \t\n",
    "Home\nNews\nSport\nWeather\nContact us\nPrivacy Policy\n© 2020 Riverside Gazette",
    "Latest\nCouncil approves budget\nBridge closed again\nMayor opens new library\nLocal team wins cup\n",
])
def test_no_article(text: str) -> None:
    with pytest.raises(NoArticle, match="no article"):  # the words the importer's other errors use
        parse_text_dump(text)


# --------------------------------------------------------------------------- quality on real dumps


def load_scorer() -> ModuleType:
    if not SCORER.is_file() or not (CORPUS / "scrapinghub-aeb").is_dir():
        pytest.skip("../shared scorer or scrapinghub corpus missing")
    spec = importlib.util.spec_from_file_location("extraction_eval", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def body_text(raw: str) -> str:
    """What ``archivegen.importing.evaluation:text_body`` returns, without importing the HTML side."""
    try:
        return "\n\n".join(parse_text_dump(raw).paragraphs)
    except NoArticle:
        return ""


def test_quality_on_scrapinghub_text_slice() -> None:
    # First 30 documents: doing nothing scores F1 0.67 there, this cleaner about 0.94.
    scorer = sys.modules.get("extraction_eval") or load_scorer()
    docs = scorer.load_scrapinghub(CORPUS, as_text=True)[:30]
    started = time.perf_counter()
    ours = [scorer.best_shingle_score(doc.gold_bodies, body_text(doc.text_input)) for doc in docs]
    elapsed = time.perf_counter() - started
    baseline = [scorer.best_shingle_score(doc.gold_bodies, doc.text_input) for doc in docs]
    f1 = scorer.aggregate_shingles(ours)["f1"]
    assert scorer.aggregate_shingles(baseline)["f1"] < 0.75 < 0.85 <= f1
    # A generous bound (about 5 ms a page when the machine is idle): it catches a quadratic slip.
    assert elapsed / len(docs) < 0.05
