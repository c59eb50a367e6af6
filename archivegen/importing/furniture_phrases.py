"""The phrases of page furniture in many languages: what a whole heading or line says when it is
a widget's label (comments, related stories, newsletters, share buttons) or a paywall promotion.

Whole-text lists are compared in ``phrase_key`` form (case folded, edge punctuation and counts
removed); the patterns are searched in short blocks or lines only. Add a language by adding its
phrases. HTML bodies use them in ``htmlpage.furniture`` (with the page's structure), plain-text
dumps in ``textdump.junk`` (line by line).
"""

from __future__ import annotations

import re
import unicodedata


def phrase_key(text: str) -> str:
    """A block's text as the phrase lists spell it: NFKC, case folded, no edge punctuation or counts."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    return " ".join(text.split()).strip(" \t.,:;!?|•·-–—»«\"'()[]0123456789")


def _phrases(text: str) -> frozenset[str]:
    """A set of phrases written "a | b | c" over several lines, the way such lists are easiest to read."""
    return frozenset(part.strip() for part in text.replace("\n", "|").split("|") if part.strip())


# Headings over the comment section, whole text only (compared in ``phrase_key`` form).
COMMENT_HEADINGS = _phrases("""
comments | comment | reader comments | leave a comment | leave a reply | post a comment
add a comment | join the conversation | join the discussion | join our commenting forum
show comments | view comments | comments are closed | kommentare | kommentar
kommentar abgeben | kommentar schreiben | leserkommentare | diskutieren sie mit
commentaires | laisser un commentaire | réagir | réactions | comentarios
deja un comentario | deja tu comentario | commenti | lascia un commento | comentários
deixe um comentário | reacties | reageer | komentarze | kommentarer | kommentit
комментарии | коментарі | yorumlar | yorum yap | コメント | 评论 | 評論 | 留言 | 댓글 | تعليقات
टिप्पणियाँ
""")
# Headings over lists of other stories, whole text only.
RELATED_HEADINGS = _phrases("""
more | related | related articles | related stories | related posts | related content
related news | related links | related coverage | related topics | more stories
more news | more on this story | more on this topic | read more | read next | read also
also read | see also | recommended | recommended for you | recommended stories
recommended articles | recommended videos | recommended reading | you may also like
you might also like | you may be interested in | most read | most popular | most viewed
popular | trending | trending now | top stories | latest news | latest stories
don't miss | editor's picks | ähnliche artikel | ähnliche themen | mehr zum thema
das könnte sie auch interessieren | auch interessant | weitere artikel | meistgelesen
meistgelesene artikel | lesen sie auch | lire aussi | à lire aussi | a lire aussi
sur le même sujet | les plus lus | articles similaires | voir aussi
dans la même rubrique | leer más | lee también | te puede interesar
noticias relacionadas | lo más leído | más noticias | relacionados | leggi anche
articoli correlati | potrebbe interessarti | i più letti | leia também | leia mais
notícias relacionadas | mais lidas | lees ook | gerelateerde artikelen | meest gelezen
czytaj więcej | czytaj też | czytaj także | zobacz też | zobacz także | powiązane artykuły
najczęściej czytane | читайте также | читайте по теме | по теме | похожие материалы
самое читаемое | les også | relaterte artikler | mest lest | läs också | läs mer
mest läst | læs også | mest læste | relaterede artikler | ilgili haberler
benzer haberler | en çok okunanlar | související články | čtěte také | přečtěte si také
関連記事 | 関連キーワード | 関連ニュース | おすすめ情報 | おすすめ記事 | 人気記事
相关阅读 | 相关新闻 | 相关文章 | 推荐阅读 | 热门文章 | 관련기사
관련 기사 | 많이 본 뉴스 | 추천 기사 | اقرأ أيضا | مقالات ذات صلة | यह भी पढ़ें | ये भी पढ़ें
""")
# "More from The Nation", "Most read in Football", "Mehr aus Wien": a related heading naming a section.
RELATED_PREFIX = re.compile(r"(more (from|in|on)|most (read|popular|viewed) (in|on)|latest (from|in)|"
                            r"mehr (aus|von|zu)|plus d'articles|más de|altro da) \S.{0,40}$")
# Newsletter, follow-us and sign-up boxes: a short heading that starts with a call to sign up (or
# is a newsletter's name), or asks to follow on a messenger. Headings that merely mention
# newsletters or subscriptions ("Why newsletters are booming") do not match.
NEWSLETTER = re.compile(
    r"(subscribe|sign up|abonnieren|s'abonner|suscríbete|iscriviti)( now| today| here)?$|"
    r"((click|tap) here to )?(subscribe|sign up|signup|register|join|get (daily|the latest|our|your)|follow|"
    r"abonnier\w*|abonnez|"
    r"inscrivez|suivez|suscríbete|síguenos|iscriviti|seguici|assine|inscreva|meld je aan|zapisz się|"
    r"подпишитесь)\b.{0,40}\b(newsletters?|updates|news|alerts|briefing|inbox|us|uns|nous|nos|ci)\b|"
    r"(our |unser\w* |notre |nuestro |la |die |the )?newsletters?\b|"
    r".{0,40}\b(on|auf|sur|en|su|no|op) (whatsapp|telegram)\W*$|"
    r"(メルマガ|ニュースレター|订阅|구독)",
    re.I)
# Labels of share, copy-link and follow buttons; a block whose whole text is one of them.
SHARE_LABELS = _phrases("""
share | share this | share this article | share this story | share article
share on facebook | share on twitter | share on x | share on whatsapp | share via email
tweet | copy link | copy url | link copied | copied | teilen | artikel teilen
link kopieren | partager | partager l'article | copier le lien
compartir | copiar enlace | condividi | copia link | compartilhar
delen | udostępnij | kopiuj link | поделиться | скопировать ссылку | paylaş
linki kopyala | シェア | リンクをコピー | 分享 | 复制链接 | 分享让更多人看到
评论 | 关注 | 공유 | 공유하기 | 링크 복사
기사 url이 복사되었습니다 | कॉपी लिंक | शेयर | शेयर करें | مشاركة | نسخ الرابط
""")
# Where a share button sends: furniture only beside a share label (a list of networks is real text).
SHARE_TARGETS = _phrases("""
email | e-mail | mail | print | drucken | imprimer | imprimir | stampa | facebook | twitter | x
whatsapp | telegram | linkedin | pinterest | reddit | messenger | bluesky | threads | line
""")
# Paywall promotions: subscriber/member-only wording, short paragraphs only.
PAYWALL = re.compile(
    r"\bthis (article|story|content|feature) is (only )?(available )?(for|to) (paying )?"
    r"(subscribers|members)\b|\b(subscribers?|members?)[- ]only (content|article|story)\b|"
    r"\bexclusive (content )?for (subscribers|members)\b|"
    r"\bsubscribe (now |today )?to (continue|read|keep reading|unlock)\b|\bto continue reading\b|"
    r"\balready a (subscriber|member)\b|\bsupport (independent|quality) journalism by subscribing\b|"
    r"réservée? aux abonnés|il vous reste \d+([.,]\d+)? ?% de cet article|offres? premium|déjà abonné|"
    r"nur für abonnenten|bereits abonnent|jetzt (weiterlesen|abonnieren)|"
    r"(sólo|solo|exclusiv[oa]) para (suscriptores|socios)|ya eres suscriptor|tu suscripción|"
    r"riservat[oa] agli abbonati|exclusivo para assinantes|alleen voor abonnees|word abonnee|"
    r"tylko dla (prenumeratorów|subskrybentów)|только для подписчиков|оформите подписку|"
    r"有料会員|会員限定|有料記事|付费会员|유료 ?회원",
    re.I)
# A paywall notice that says the rest of the story is withheld: what follows it is the offer.
PAYWALL_CUT = re.compile(
    r"\bthis (article|story|content) is (only )?(available )?(for|to) (paying )?(subscribers|members)\b|"
    r"\b(subscribe|sign in|log in) (now |today )?to (continue|keep) reading\b|"
    r"\bthe rest of this (article|story)\b|"
    r"il vous reste \d+([.,]\d+)? ?% de cet article|la suite est réservée|"
    r"dieser (artikel|beitrag) ist (nur )?für abonnenten|"
    r"este (artículo|contenido) es (sólo|solo|exclusivo) para|"
    r"この記事は(有料)?会員限定|有料会員限定|本文は会員限定",
    re.I)
# Invitations to comment (a log-in prompt, a comment policy): short lines only.
COMMENT_PROMPT = re.compile(
    r"\b(would you like to|want to|sign in to|log in to|register to) (comment|join the discussion)\b|"
    r"\bbefore commenting\b|\bcomment(ing)? policy\b|\bto (post a )?comment,? (please )?(sign|log) in\b|"
    r"\bum (einen )?kommentar (abzugeben|zu schreiben)|\bpour (réagir|commenter)\b|\bpara comentar\b|"
    r"\bper commentare\b|\baby (skomentować|dodać komentarz)\b|\bчтобы (оставить )?комментари",
    re.I)
