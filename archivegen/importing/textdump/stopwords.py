"""Function-word lists per language and the choice of the one a dump is written in.

Prose is full of function words ("the", "of", "und", "de"), menus and buttons are not: the share
of them on a line is the main sign of article text. The lists are short on purpose, as only the
most frequent words matter, and one list is picked per dump so every line is measured alike.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain

# The most frequent function words of each language: prose is full of them, menus are not.
# Written for this module and short on purpose: only frequency matters.
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": """a about after again against all also an and any are as at be because been before
            being between both but by can could did do does doing down during each few for from further
            had has have having he her here hers him his how i if in into is it its itself just like
            me more most my no nor not now of off on once one only or other our out over own said same
            says she should so some such than that the their theirs them then there these they this
            those through to too under until up very was we were what when where which while who whom
            why will with would you your""",
        "de": """aber alle allem allen aller als also am an andere auch auf aus bei beim bereits bis
            bisher da damit dann das dass dem den denn der des dessen die dies diese diesem diesen dieser
            doch dort durch ein eine einem einen einer eines er es etwa für gegen gibt hat hatte haben
            hier ich ihm ihr ihre im immer in ist jedoch jetzt kann kein keine man mehr mit muss nach
            nicht noch nun nur ob oder ohne schon sehr sei sein seine seit sich sie sind so soll sollen
            sowie über um und uns unter viel vom von vor war waren was weil wenn werden wie wieder wir
            wird wurde wurden zu zum zur zwischen""",
        "fr": """à ai au aussi autre aux avait avec avoir bien c ce cela celle ces cet cette comme
            d dans de depuis des donc dont du elle elles en encore entre est et été être fait il ils
            j l la le les leur leurs lui m mais me même mes n ne ni nos notre nous on ont ou où par pas
            peu plus pour qu que quand qui s sa sans se selon ses si son sont sous sur t ta te tous
            tout très un une vers vos votre vous y""",
        "es": """a al algo ante antes como con contra cual cuando de del desde donde dos e el ella
            ellos en entre era es esa ese eso esta estaba están este esto fue han hasta hay la las le
            les lo los más me mi muy nada ni no nos o otra otro para pero poco por porque que quien se
            sea ser si sido sin sobre su sus también tan te tiene todo todos tras un una uno unos y ya""",
        "it": """a ad agli ai al alla alle anche ancora c che chi ci come con così cui da dal dalla
            dei del della delle dello di dopo e è era essere fa gli ha hanno i il in io la le lo loro
            ma mi molto ne nei nel nella non o ogni per però più poi quale quando quella quello questa
            questo se sempre si sia siamo sono su sua sue suo sul sulla tra tutti tutto un una uno""",
        "pt": """a ainda ao aos as até com como da das de dela dele depois do dos e é ela ele eles em
            entre era essa esse esta este eu foi for há isso já la mais mas me mesmo muito na não nas
            nem no nos o os ou para pela pelo pelos por quando que quem se sem ser seu seus só sobre sua
            suas também tem um uma uns""",
        "nl": """aan al alle als bij dan dat de deze die dit door een en er geen had heb heeft hem het
            hij hoe hun ik in is je kan maar me meer met mij na naar niet nog nu of om onder ons ook
            op over te tegen tot uit van veel voor want was wat we werd wie wij wordt worden zal ze zich
            zij zijn zo""",
        "pl": """a aby ale bardzo bez by był była było być były co czy dla do go gdy i ich ja jak jako
            je jednak jego jej jest jeszcze już każdy kiedy która które który lub ma mają może na nad
            nie nich niż o od oraz po pod przed przez przy się są ta tak także tam te tego tej ten to
            tu tylko w we więc właśnie z za że żeby""",
        "ru": """а без бы был была были было быть в вам вас весь во вот все всё всех вы где да даже
            для до его ее её если есть еще ещё же за здесь и из или им их к как когда кто ли либо меня
            мне может мы на над нам нас не него нее неё нет ни них но ну о об однако он она они оно от
            очень по под после при раз с со так также такой там те тем то того тоже только том ты у
            уже чем что чтобы эта эти это этого этом этот я""",
        "sv": """av de del den denna det detta dig du efter eller en ett från för går ha hade han har
            hon hur i inom inte jag kan kommer man med men mer mot många nu när och om också på sa
            sedan sig sin sina ska skulle som så till under upp ut var vad vara vi vid vill än är år
            även över""",
        "da": """af alle andre at blev blive bliver da de den denne der det dette efter eller en et fik
            for fra han har hun hvad hvis hvor i ikke ind jeg kan kom kommer man med meget men mod
            mig nu når og også om op på sagde sig sin skal skulle som så til ud under var vi vil være
            år""",
        "no": """alle andre at av da de deg den denne der det dette du eller en er et etter for fra
            fikk ha hadde han har hun hva hvis hvor i ikke inn jeg kan kom kommer man med men mot mye
            nå når og også om opp på sa seg sier sin skal skulle som så til ut under var vi vil være
            år""",
        "id": """ada adalah agar akan aku anda antara atau bagi bahwa banyak belum bisa dalam dan
            dari dengan di dia hanya harus ia ini itu jadi jika juga kami kata ke kepada karena kita
            lagi lebih masih mereka namun oleh pada para saat saja sampai satu saya se sebagai sejak
            sudah tahun telah tentang tersebut tidak untuk yaitu yang""",
    }.items()
}

# How much of ordinary prose each list covers (median over the news paragraphs of ../shared's
# fundus pages) where that is not the usual ~0.42: densities are scaled to the usual level, so
# one set of thresholds serves every language.
_PROSE_SHARE = {"it": 0.38, "pl": 0.25, "ru": 0.3, "sv": 0.36, "no": 0.38, "id": 0.28}
_USUAL_SHARE = 0.42
_MIN_SHARE = 0.08  # below this a list is the wrong language (even menu-heavy English pages reach 0.1)


def pick_stopwords(tokens: list[list[str]]) -> tuple[str, frozenset[str], float]:
    """The dump's language ("" if none of ours), its function-word list and the density scale.

    Chosen once per dump: a German page's English cookie banner must not make its German prose
    look foreign line by line. No list when none covers enough words: the dump is in another
    language, and judging by case is better than judging by a wrong list.
    """
    counts = Counter(chain.from_iterable(tokens))
    total = sum(counts.values())
    if not total:
        return "", frozenset(), 1.0
    best_lang, best_hits = "", 0
    for lang, stopwords in _STOPWORDS.items():
        hits = sum(counts[word] for word in stopwords if word in counts)
        if hits > best_hits:
            best_lang, best_hits = lang, hits
    if best_hits < _MIN_SHARE * total:
        return "", frozenset(), 1.0
    return best_lang, _STOPWORDS[best_lang], _USUAL_SHARE / _PROSE_SHARE.get(best_lang, _USUAL_SHARE)
