"""Signals that carry across outlets and languages: does a unit read like running text?

Modelled on jusText's paragraph classifier: the share of function words (its stoplists, about
100 languages, kept with the language detector in language.py) tells prose from menus, labels and credits
in any language the page is written in. Languages are ISO codes ("en"), as language.detect_language gives.
"""

from __future__ import annotations

import re

from ..models import OUTSIDE_THE_ARTICLE, Article
from .language import stoplist, words

_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u201d\u2019)\]]*(?:\s|$)")
# Scripts written without spaces between words (Chinese, Japanese, Thai; Korean is spaced by words' groups).
UNSPACED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
# The share of function words in running text (jusText calls 0.30 "high"); menus and labels have few.
PROSE_STOPWORD_DENSITY = 0.2
PROSE_MIN_WORDS = 7


def word_count(text: str) -> int:
    """Words, counting scripts written without spaces (Chinese, Japanese, Thai) at two characters a word."""
    return len(text.split()) + len(UNSPACED_SCRIPT.findall(text)) // 2


def stopword_density(text: str, language: str) -> float:
    found = words(text)
    stops = stoplist(language) or stoplist("en")
    return sum(1 for word in found if word in stops) / max(1, len(found))


def is_prose(text: str, language: str = "en") -> bool:
    """Reads like running text: several words, a sentence end, and the function words of the page's language."""
    if UNSPACED_SCRIPT.search(text):  # no spaces to count words by: length and a sentence end
        return len(text) >= 25 and bool(_SENTENCE_END.search(text))
    if len(text.split()) < PROSE_MIN_WORDS or not _SENTENCE_END.search(text):
        return False
    return not language or stopword_density(text, language) >= PROSE_STOPWORD_DENSITY


# Cuts out of a spoken paragraph (a gallery flattened into it) are not a unit the reader passed over, and the
# text an HTML page holds outside its article (menus, comments) was never the story's.
_CUT_RULES = {"inline gallery", "inline video player", "read more", "photo credit", OUTSIDE_THE_ARTICLE}


def dropped_prose_share(article: Article) -> float:
    """The share of the page's prose-like words (spoken or dropped whole) that the reader dropped."""
    dropped = sum(len(d.text.split()) for d in article.dropped if d.rule not in _CUT_RULES and is_prose(d.text, ""))
    kept = sum(len(b.text.split()) for b in article.blocks) + sum(len(h.split()) for h in article.highlights)
    return dropped / max(1, dropped + kept)
