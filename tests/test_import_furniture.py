"""Page furniture left inside imported bodies (issue 18 item 3): it goes, the story stays.

Two kinds of check. Real saved pages from ../shared/corpus (fundus-testdata, scrapinghub-aeb)
are imported in place: the furniture each one carried is gone and its first and last real
paragraphs are still there. Synthetic blocks, in two or three languages per rule, pin each rule
down (every one fails without its rule) and the false positives it must not make: an article
about subscriptions or comments keeps its text, a real list keeps its items. The corpus lives
beside the repository (``tests/conftest.py``'s ``SHARED``).
"""

from __future__ import annotations

import gzip

import lxml.html
import pytest

from archivegen.importing.furniture_phrases import PAYWALL, phrase_key
from archivegen.importing.htmlpage import extract_html
from archivegen.importing.htmlpage.blocks import BodyWriter
from archivegen.importing.htmlpage.furniture import drop_furniture
from archivegen.importing.htmlpage.markdown import blocks_to_markdown
from archivegen.importing.textdump.junk import is_junk
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"
PROSE = ("The council met on Tuesday evening and voted to extend the library's opening hours "
         "after months of debate about the budget and the staff it would need. ")


def clean(html: str, authors: tuple[str, ...] = ()) -> str:
    """The Markdown of an HTML body after the furniture rules (trafilatura left out on purpose)."""
    blocks = BodyWriter(None).blocks(lxml.html.fragment_fromstring(html, create_parent="div"))
    return blocks_to_markdown(drop_furniture(blocks, authors))


def story(*middle: str, end: str = "") -> str:
    """A body of real paragraphs with furniture placed in the middle and at the end."""
    return f"<p>First {PROSE}</p>{''.join(middle)}<p>Second {PROSE}</p>{end}<p>Last {PROSE}</p>"


def kept_story(markdown: str) -> None:
    assert markdown.startswith("First The council") and markdown.rstrip().endswith("staff it would need.")
    assert "Second The council" in markdown


# -- real pages, read in place ------------------------------------------------------------------


def corpus_body(*parts: str) -> str:
    path = CORPUS.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"{path} not available")
    return extract_html(gzip.decompress(path.read_bytes())).body_markdown


def fundus(country: str, page: str) -> str:
    return corpus_body("fundus-testdata", "test_data", country, f"{page}.html.gz")


@pytest.mark.parametrize(("country", "page", "gone", "first", "last"), [
    # paywall promotion at the end (Japanese)
    ("jp", "AsahiShimbun_2025_01_13", ["有料会員になると", "初トクキャンペーン"], "日向灘", "鹿児島県"),
    # member-only notice, the offer's list and "related keywords" / "recommended" labels
    ("jp", "ChunichiShimbun_2025_01_13",
     ["会員限定", "中日プラスに登録すると", "関連キーワード", "おすすめ情報"],
     "宮崎県で震度５弱", "気象庁は調査終了を受けた記者会見で"),
    # a share-link list item (Hindi)
    ("ind", "Bhaskar_2024_09_04", ["कॉपी लिंक"], "समस्तीपुर के बंगरा थाना", "ASP ने बताया कि अब गिरफ्तार"),
    # a dateline-only heading (Turkish)
    ("tr", "AnadoluAjansi_2025_04_05", ["###### Ankara"], "Bakan Uraloğlu, yazılı açıklamasında",
     "2 bin 784 şarj istasyonu"),
    # the byline (= the page's author) and the dateline line under the standfirst
    ("tr", "AnadoluAjansi_2026_04_20", ["\n\nFatma Sevinç Çetin\n\n", "\n\nAnkara\n\n"],
     "Diyanet İşleri Başkanı Safi Arpaguş", "TDV olarak bu yıl"),
    # a newsletter box at the end (German)
    ("lu", "LuxemburgerWort_2026_07_12", ["Newsletter: Sport inside", "Jeden Montag die Topstorys"],
     "In Tränen aufgelöst", "Auch Teamkollege Nico Elvedi"),
    # related-articles and comment headings with the log-in prompt under them (German)
    ("it", "Tageszeitung_2025_04_16", ["Ähnliche Artikel", "Kommentar abgeben", "EINLOGGEN"],
     "Vor Kurzem fand im prunkvollen", "Es war ein festlicher und geselliger Abend"),
    # a comment-forum box (English)
    ("uk", "TheIndependent_2024_11_22", ["Join our commenting forum", "Join thought-provoking conversations"],
     None, "This is a breaking new story"),
    # "Popular" and "More from The Nation" widgets whose lists went
    ("us", "TheNation_2024_01_11",
     ["## Popular", "More from The Nation", "Tedious Mess", "Ron DeSantis and Nikki Haley clearly despise"],
     "Chris Christie", "Chris Christie is no angel"),
    # a paywall cut (French)
    ("fr", "LeMonde_2023_09_01", ["Il vous reste", "réservée aux abonnés"],
     "Sous les dorures", "Pour la syndicaliste"),
    # a sign-up box with its policy links (English)
    ("uk", "Metro_2024_07_17", ["Sign Up for News Updates", "Get your need-to-know", "Privacy Policy"],
     None, None),
    # "article URL copied" (Korean) and a "read more" label (Polish)
    ("kr", "HankookIlbo_2025_05_15", ["기사 URL이 복사되었습니다"], None, "호남에 있어서 민주당은"),
    ("pl", "Rzeczpospolita_2025_02_02", ["Czytaj więcej"], "Na trzy tygodnie przed wyborami", None),
    # a byline that is a link plus "and AP", and a "Read more" heading over a linked headline
    ("au", "NineNews_2026_07_04", ["[Adam Vidler]", "#### Read more", "Supreme Court rejects Trump"],
     "President [Donald Trump]", None),
])
def test_corpus_page_loses_its_furniture_and_keeps_its_story(country: str, page: str, gone: list[str],
                                                            first: str | None, last: str | None) -> None:
    body = fundus(country, page)
    for furniture in gone:
        assert furniture not in body, furniture
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    if first:
        assert any(first in p for p in paragraphs[:3]), paragraphs[:3]
    if last:
        assert any(last in p for p in paragraphs[-3:]), paragraphs[-3:]


def test_corpus_subscribe_and_comments_headings_go() -> None:
    page = "0dd1357045727799a447563fd8851f4ebe79f042073ea16991a9b67aa595f81a.html.gz"
    body = corpus_body("scrapinghub-aeb", "html", page)
    assert "Click here to subscribe" not in body and "### Comments" not in body
    assert len(body) > 1000


def test_corpus_drop_caps_are_letters_of_their_word() -> None:
    body = fundus("ls", "LesothoTimes_2025_11_24")
    assert "Former area councillor" in body and "**F**ormer" not in body
    assert "At the mine site" in body and "**A**t the mine" not in body


def test_corpus_article_mentioning_subscribers_keeps_the_sentence() -> None:
    body = fundus("us", "TechCrunch_2024_05_17")
    assert "This will be available to premium subscribers only." in body


def test_corpus_section_labels_and_sentence_fragments_are_not_datelines() -> None:
    page = "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f.html.gz"
    assert "NISSAN SENTRA" in corpus_body("scrapinghub-aeb", "html", page)
    page = "232a43fb15abde807427b2a7bf4f772e27b8760554370956d8291df4e8166dbf.html.gz"
    assert "DigiTimes" in corpus_body("scrapinghub-aeb", "html", page)


# -- furniture headings and their widgets ---------------------------------------------------------


@pytest.mark.parametrize("heading", ["Comments", "Kommentare (12)", "Commentaires", "コメント", "댓글"])
def test_comment_heading_goes_with_the_comment_section(heading: str) -> None:
    markdown = clean(story(end=f"<h3>{heading}</h3><p>Great piece, thanks!</p><p>I disagree.</p>"))
    assert heading not in markdown and "Great piece" not in markdown
    kept_story(markdown)


def test_comment_heading_over_real_text_keeps_the_text() -> None:
    markdown = clean(story(f"<h2>Comments</h2><p>The readers' {PROSE * 2}</p>"))
    assert "The readers' The council" in markdown


@pytest.mark.parametrize("heading", ["Related stories", "Ähnliche Artikel", "Lire aussi",
                                     "Most read in Football", "関連記事"])
def test_related_heading_goes_with_its_list_of_headlines(heading: str) -> None:
    related = ('<ul><li><a href="https://example.com/a">Another story about the budget</a> 2 hours ago</li>'
               '<li><a href="https://example.com/b">Yet another story</a> yesterday</li></ul>')
    markdown = clean(story(f"<h2>{heading}</h2>{related}"))
    assert heading not in markdown and "Another story" not in markdown and "Yet another" not in markdown
    kept_story(markdown)


def test_related_heading_leaves_the_story_after_it() -> None:
    markdown = clean(story("<h3>Read More</h3><p>Now Chelsea know exactly what they need to do.</p>"))
    assert "Read More" not in markdown and "Now Chelsea know exactly" in markdown


def test_related_widget_of_several_stories_goes_with_their_teasers() -> None:
    stories = "".join(f'<h2><a href="https://example.com/{n}">Story {n}</a></h2><p>Teaser of story {n}.</p>'
                      for n in range(3))
    markdown = clean(story(end=f"<h2>More from The Nation</h2>{stories}"))
    assert "Story" not in markdown and "Teaser" not in markdown
    kept_story(markdown)


def test_a_single_linked_headline_under_read_more_leaves_the_next_paragraph() -> None:
    teaser = ('<h3><a href="https://example.com/a">Court rejects appeal</a></h3>'
              "<p>Citizenship was the right.</p>")
    markdown = clean(story(f"<h4>Read more</h4>{teaser}"))
    assert "Court rejects appeal" not in markdown and "Citizenship was the right." in markdown


def test_a_real_list_under_a_real_heading_stays() -> None:
    markdown = clean(story("<h2>What the council decided</h2>",
                           "<ul><li>Longer hours</li><li>Two new staff</li></ul>"))
    assert "What the council decided" in markdown and "- Longer hours" in markdown


@pytest.mark.parametrize(("heading", "blurb"), [
    ("Newsletter: Sport inside", "Jeden Montag die Topstorys der Woche"),
    ("Sign up for our morning briefing", "The day's top headlines in your inbox."),
    ("Folgst du schon 20 Minuten auf Whatsapp?", "Abonniere den Kanal."),
    ("Abonnez-vous à notre newsletter", "Chaque matin, l'essentiel de l'actualité."),
])
def test_newsletter_box_goes(heading: str, blurb: str) -> None:
    markdown = clean(story(end=f"<h2>{heading}</h2><p>{blurb}</p>"))
    assert heading not in markdown and blurb not in markdown
    kept_story(markdown)


def test_subscription_box_heading_goes_with_its_lines() -> None:
    box = ("<h2>Tu suscripción se está usando en otro dispositivo</h2>"
           "<p>¿Quieres añadir otro usuario?</p>"
           "<p>Si continúas leyendo aquí, no se podrá leer en el otro.</p>")
    markdown = clean(story(end=box))
    assert "suscripción" not in markdown and "Si continúas leyendo" not in markdown
    kept_story(markdown)


def test_article_about_newsletters_keeps_its_headings_and_text() -> None:
    body = story("<h2>Why newsletters are booming</h2><p>Publishers say subscriptions grew.</p>",
                 "<h2>The subscription model</h2><p>Readers pay monthly.</p>")
    markdown = clean(body)
    assert "Why newsletters are booming" in markdown and "Publishers say subscriptions grew." in markdown
    assert "The subscription model" in markdown and "Readers pay monthly." in markdown


# -- lines: share labels, related labels, paywall promotions ----------------------------------------


@pytest.mark.parametrize("label", ["Copy link", "कॉपी लिंक", "Teilen", "分享让更多人看到",
                                   "기사 URL이 복사되었습니다."])
def test_share_lines_go(label: str) -> None:
    markdown = clean(story(f"<ul><li>{label}</li></ul>", f"<p>{label}</p>"))
    assert label not in markdown
    kept_story(markdown)


def test_share_buttons_list_goes_but_a_list_of_networks_stays() -> None:
    buttons = "<ul><li>Share</li><li>Facebook</li><li>X</li><li>Email</li></ul>"
    networks = "<ul><li>Facebook</li><li>Instagram</li><li>TikTok</li></ul>"
    markdown = clean(story(buttons, networks))
    assert "- Facebook\n- Instagram\n- TikTok" in markdown and "Email" not in markdown and "X" not in markdown
    assert clean(story("<ul><li>Facebook</li><li>X</li></ul>")).count("Facebook") == 1


def test_share_word_in_a_sentence_stays() -> None:
    markdown = clean(story("<p>Share prices fell.</p>",
                           "<ul><li>Share</li><li>Share prices fell again</li></ul>"))
    assert "Share prices fell." in markdown and "- Share prices fell again" in markdown


@pytest.mark.parametrize("label", ["Czytaj więcej", "Leggi anche", "おすすめ情報"])
def test_related_labels_go(label: str) -> None:
    markdown = clean(story(f"<p>{label}</p>"))
    assert label not in markdown
    kept_story(markdown)


@pytest.mark.parametrize("promo", [
    "有料会員になると会員限定の有料記事もお読みいただけます。",
    "Il vous reste 57.09% de cet article à lire. La suite est réservée aux abonnés.",
    "Esta funcionalidad es sólo para suscriptores",
    "Subscribe now to continue reading.",
])
def test_paywall_promotions_go(promo: str) -> None:
    markdown = clean(story(end=f"<p>{promo}</p>"))
    assert promo.split()[0] not in markdown
    kept_story(markdown)


def test_paywall_notice_takes_its_offer_list_along() -> None:
    offer = ("<p>この記事は会員限定です。</p><ul><li>会員向け記事が読み放題</li><li>メールマガジン</li></ul>"
             "<p>※注意事項。</p>")
    markdown = clean(f"<p>First {PROSE}</p><p>Second {PROSE}</p><p>Third {PROSE}</p>{offer}")
    assert "会員" not in markdown and "メールマガジン" not in markdown and "注意事項" not in markdown
    assert markdown.rstrip().endswith("staff it would need.")


@pytest.mark.parametrize("prompt", ["Would you like to comment on this article? Sign up or sign in now.",
                                    "Please read our Comment Policy before commenting.",
                                    "Du musst dich EINLOGGEN um einen Kommentar abzugeben.",
                                    "Connectez-vous pour réagir."])
def test_comment_prompts_go(prompt: str) -> None:
    markdown = clean(story(end=f"<p>{prompt}</p>"))
    assert prompt.split()[0] not in markdown
    kept_story(markdown)


def test_story_about_paywalls_keeps_its_sentences() -> None:
    sentence = ("The feature will be available to premium subscribers only, the company said on Thursday, "
                "and readers who already pay will see it first when it launches in the spring.")
    markdown = clean(story(f"<p>{sentence}</p>"))
    assert sentence in markdown


# -- header lines: bylines and datelines -----------------------------------------------------------


@pytest.mark.parametrize(("line", "authors"), [
    ("Jane Doe", ("Jane Doe",)),
    ("By Jane Doe and John Roe", ("Jane Doe", "John Roe")),
    ('<a href="https://example.com/jane">Jane Doe</a>and AP', ("Jane Doe", "AP")),
    ("Par Les Echos", ("Les Echos",)),
    ("박준석 기자 외 1명", ("박준석", "김태연")),
])
def test_leading_byline_naming_the_authors_goes(line: str, authors: tuple[str, ...]) -> None:
    markdown = clean(f"<p>{line}</p><p>First {PROSE}</p><p>Last {PROSE}</p>", authors)
    assert markdown.startswith("First The council")


def test_a_first_line_naming_someone_else_stays() -> None:
    markdown = clean(f"<p>Jane Doe</p><p>First {PROSE}</p>", ("John Roe",))
    assert markdown.startswith("Jane Doe")


@pytest.mark.parametrize("dateline", ["<h6>Ankara</h6>", "<p>NEW DELHI:</p>", "<p>Madrid-</p>",
                                      "<p>Córdoba</p>"])
def test_dateline_only_line_goes(dateline: str) -> None:
    markdown = clean(f"<p>A standfirst of the story, {PROSE}</p>{dateline}<p>First {PROSE}</p>")
    assert "Ankara" not in markdown and "DELHI" not in markdown and "Madrid" not in markdown
    assert "Córdoba" not in markdown and "First The council" in markdown


def test_a_word_the_next_block_continues_is_not_a_dateline() -> None:
    fragment = "<p>Given the source is</p><p>DigiTimes</p><p>, we doubt it.</p>"
    markdown = clean(f"<p>A standfirst, {PROSE}</p>{fragment}")
    assert "DigiTimes" in markdown


def test_labels_of_a_table_of_facts_are_not_datelines() -> None:
    facts = "<p>Kennzeichen</p><p>Gebrauchsinformation</p><p>Kein Beipackzettel vorhanden</p>"
    markdown = clean(f"<p>Präparat</p>{facts}<p>Fachinformation</p><p>Keine Fachinformation verfügbar</p>")
    assert "Kennzeichen" in markdown and "Gebrauchsinformation" in markdown
    assert "\n\nFachinformation" in markdown


def test_a_german_section_heading_is_not_a_dateline() -> None:
    markdown = clean(f"<h4>Neues Leitmotto</h4><p>First {PROSE}</p>")
    assert "Neues Leitmotto" in markdown


def test_a_label_after_two_paragraphs_is_not_a_dateline() -> None:
    markdown = clean(f"<p>First {PROSE}</p><p>Second {PROSE}</p><p>NISSAN SENTRA</p><p>Nissan is hoping.</p>")
    assert "NISSAN SENTRA" in markdown


# -- drop caps -------------------------------------------------------------------------------------


@pytest.mark.parametrize("html", ["<p><strong>F</strong>ormer councillor said so.</p>",
                                  "<p><b>F</b>ormer councillor said so.</p>",
                                  "<p><em>F</em>ormer councillor said so.</p>"])
def test_drop_cap_is_a_letter_of_its_word(html: str) -> None:
    assert clean(html) == "Former councillor said so."


def test_a_bold_word_at_the_start_stays_bold() -> None:
    assert clean("<p><strong>A</strong> man said so.</p>") == "**A** man said so."
    assert clean("<p>Then <strong>F</strong>ormer</p>") == "Then **F**ormer"


# -- plain-text dumps share the phrases ------------------------------------------------------------


@pytest.mark.parametrize("line", ["कॉपी लिंक", "Kommentare",
                                  "Please read our Comment Policy before commenting.",
                                  "有料会員になると会員限定の有料記事もお読みいただけます。"])
def test_text_dump_lines_of_furniture_are_junk(line: str) -> None:
    assert is_junk(line, line.lower().split(), len(line.split()))


def test_phrase_key_drops_counts_and_edge_punctuation() -> None:
    assert phrase_key("  Comments (12) ") == "comments"
    assert phrase_key("READ MORE:") == "read more"
    assert PAYWALL.search("La suite est réservée aux abonnés.")
