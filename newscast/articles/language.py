"""An article's language: the page's own declaration, else a guess from its commonest words.

The guess counts each language's stopwords in the text (as jusText's stoplists do for paragraphs): light,
no model to load, and right for the few paragraphs of a news story. It answers "" when the text is too
short or no language clearly wins, so the caller keeps its configured language.
"""

from __future__ import annotations

import re

from ..models import Article

STOPWORDS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "en": "the of and to in is that for it was on with as he by at from his are be this have had not but "
        "they which has were their said been who will would an its or after about more than",
        "fr": "le la les de des du un une et est en que qui dans pour par sur au aux pas ne se ce cette il elle "
        "sont ont avec plus mais comme été son sa ses leur nous vous a d l qu",
        "de": "der die das und ist nicht den dem des ein eine einer mit von zu auf für sich im auch es als wird "
        "wurde bei nach aus werden sie er hat noch wie über dass nur vor zum zur",
        "es": "el la los las de del y en que un una es por con para se no al lo como su sus más pero fue ha "
        "este esta han sobre entre también ya",
        "it": "il la le gli di del della dei e che un una è per con non si da al alla nel nella sono come ma "
        "anche più ha questo questa stato dopo",
        "pt": "o a os as de do da dos das e que um uma é em no na por para com não se ao mais mas foi como "
        "seu sua também pelo pela",
        "nl": "de het een en van in is dat op te zijn voor met niet die er aan als ook door maar bij om nog "
        "naar werd wordt heeft zijn",
    }.items()
}
MIN_WORDS = 12  # fewer words than this: no guess
MIN_SHARE = 0.12  # the winner's stopwords must be at least this share of the words
MIN_LEAD = 1.5  # and this many times the runner-up's


def guess_language(text: str) -> str:
    """ISO 639-1 code of the language ``text`` is most likely in, or "" when unsure."""
    words = re.findall(r"[^\W\d_]+", text.casefold())
    if len(words) < MIN_WORDS:
        return ""
    scores = sorted(
        ((sum(word in stops for word in words) / len(words), language) for language, stops in STOPWORDS.items()),
        reverse=True,
    )
    (best, language), (second, _) = scores[0], scores[1]
    return language if best >= MIN_SHARE and best >= MIN_LEAD * second else ""


_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.IGNORECASE)
_META_LANG = re.compile(
    r"<meta\b[^>]*?(?:http-equiv\s*=\s*[\"']?content-language|property\s*=\s*[\"']?og:locale)[\"']?[^>]*?"
    r"\bcontent\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)",
    re.IGNORECASE,
)


def declared_language(html: str) -> str:
    """The page's declared language (``<html lang>``, else Content-Language or og:locale), as "fr" or ""."""
    head = html[:200_000]
    for pattern in (_HTML_LANG, _META_LANG):
        match = pattern.search(head)
        if match:
            return re.split(r"[-_]", match.group(1), maxsplit=1)[0].lower()
    return ""


def with_language(article: Article) -> Article:
    """The article with its language set: as the page declared it, else guessed from its text."""
    if article.language:
        return article
    from dataclasses import replace

    text = " ".join([article.headline, *article.highlights, *(block.text for block in article.blocks)])
    return replace(article, language=guess_language(text))
