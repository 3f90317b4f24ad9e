"""An article's language: the page's own declaration, else a guess from its commonest words.

One detector serves the whole reader: it counts each language's function words in the text, with
jusText's stoplists (about 100 languages) as the one vocabulary. The reader uses it to tell prose from
menus in the page's language (signals.is_prose); Article.language gets the same answer as an ISO 639
code, but only when the text is long enough and one language clearly wins, so the caller keeps its
configured language otherwise.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from pathlib import Path

from ..models import Article, primary_language

# jusText's stoplist names -> ISO 639-1 codes (639-3 where a language has no two-letter code).
ISO_CODES = {
    "Afrikaans": "af", "Albanian": "sq", "Arabic": "ar", "Aragonese": "an", "Armenian": "hy", "Aromanian": "rup",
    "Asturian": "ast", "Azerbaijani": "az", "Basque": "eu", "Belarusian": "be", "Belarusian_Taraskievica": "be",
    "Bengali": "bn", "Bishnupriya_Manipuri": "bpy", "Bosnian": "bs", "Breton": "br", "Bulgarian": "bg",
    "Catalan": "ca", "Cebuano": "ceb", "Chuvash": "cv", "Croatian": "hr", "Czech": "cs", "Danish": "da",
    "Dutch": "nl", "English": "en", "Esperanto": "eo", "Estonian": "et", "Finnish": "fi", "French": "fr",
    "Galician": "gl", "Georgian": "ka", "German": "de", "Greek": "el", "Gujarati": "gu", "Haitian": "ht",
    "Hebrew": "he", "Hindi": "hi", "Hungarian": "hu", "Icelandic": "is", "Ido": "io", "Igbo": "ig",
    "Indonesian": "id", "Irish": "ga", "Italian": "it", "Javanese": "jv", "Kannada": "kn", "Kazakh": "kk",
    "Korean": "ko", "Kurdish": "ku", "Kyrgyz": "ky", "Latin": "la", "Latvian": "lv", "Lithuanian": "lt",
    "Lombard": "lmo", "Low_Saxon": "nds", "Luxembourgish": "lb", "Macedonian": "mk", "Malay": "ms",
    "Malayalam": "ml", "Maltese": "mt", "Marathi": "mr", "Neapolitan": "nap", "Nepali": "ne", "Newar": "new",
    "Norwegian_Bokmal": "nb", "Norwegian_Nynorsk": "nn", "Occitan": "oc", "Persian": "fa", "Piedmontese": "pms",
    "Polish": "pl", "Portuguese": "pt", "Quechua": "qu", "Romanian": "ro", "Russian": "ru", "Samogitian": "sgs",
    "Serbian": "sr", "Serbo_Croatian": "sh", "Sicilian": "scn", "Slovak": "sk", "Slovenian": "sl",
    "Spanish": "es", "Sundanese": "su", "Swahili": "sw", "Swedish": "sv", "Tagalog": "tl", "Tamil": "ta",
    "Telugu": "te", "Turkish": "tr", "Turkmen": "tk", "Ukrainian": "uk", "Urdu": "ur", "Uzbek": "uz",
    "Vietnamese": "vi", "Volapuk": "vo", "Walloon": "wa", "Waray_Waray": "war", "Welsh": "cy",
    "West_Frisian": "fy", "Western_Panjabi": "pnb",
}  # fmt: skip
_SKIPPED = {"Simple_English"}  # a subset of English's list: it would only ever tie with it

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_SAMPLE_WORDS = 3000
# The page's language, for prose-likeness: enough words, and a share of function words running text has.
DETECT_MIN_WORDS = 20
DETECT_MIN_SHARE = 0.15
# Article.language, which picks the voice: fewer words will do, but one language must clearly win.
GUESS_MIN_WORDS = 12
GUESS_MIN_SHARE = 0.12
GUESS_CLOSE = 0.8  # a rival whose share is this close to the winner's ...
GUESS_MIN_LEAD = 1.5  # ... must be beaten this many times over on the words the two lists do not share


@cache
def _stoplist_files() -> dict[str, tuple[Path, ...]]:
    """jusText's stoplist files by ISO code, each read only when asked for: as files, since importing justext
    would load lxml on every text-only path. A language may have two (Belarusian's two spellings)."""
    import importlib.util

    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        return {}
    folder = Path(spec.submodule_search_locations[0]) / "stoplists"
    files: dict[str, tuple[Path, ...]] = {}
    for path in sorted(folder.glob("*.txt")):
        if path.stem not in _SKIPPED:
            code = ISO_CODES.get(path.stem, path.stem.lower())
            files[code] = (*files.get(code, ()), path)
    return files


def _lines(path: Path, limit: int | None = None) -> list[str]:
    """A stoplist file's words (its first ``limit``), lowered."""
    with path.open(encoding="utf-8") as file:
        text = file.read() if limit is None else "".join(itertools.islice(file, limit))
    return text.lower().splitlines()


@cache
def stoplist(code: str) -> frozenset[str]:
    """The function words of a language (ISO code; empty for a language jusText has no list for)."""
    return frozenset(word for path in _stoplist_files().get(code, ()) for word in _lines(path))


_HEAD_WORDS = 100  # each list's commonest words (the files list them most frequent first): enough to rank ...
_CANDIDATES = 6  # ... the languages, and the best few are then counted with their whole lists


@cache
def _heads() -> dict[str, frozenset[str]]:
    """Each language's commonest words, read from the head of its files alone (all the lists whole are
    178,000 words: reading them cost a fresh process 20 ms)."""
    return {
        code: frozenset(word for path in paths for word in _lines(path, _HEAD_WORDS))
        for code, paths in _stoplist_files().items()
    }


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _sample(text: str) -> list[str]:
    return [match.group() for match in itertools.islice(_WORD.finditer(text.casefold()), _SAMPLE_WORDS)]


def _shares(sample: list[str]) -> list[tuple[float, str]]:
    """The share of the sample each language's function words cover, best first, for the languages whose
    commonest words cover most of it (the rest cannot win)."""

    def share(stops: frozenset[str]) -> float:
        return sum(1 for word in sample if word in stops) / len(sample)

    heads = sorted(((share(stops), code) for code, stops in _heads().items()), key=lambda pair: -pair[0])
    scores = [(share(stoplist(code)), code) for _, code in heads[:_CANDIDATES]]
    return sorted(scores, key=lambda pair: -pair[0])  # stable: a tie goes to the first list


def detect_language(text: str) -> str:
    """ISO code of the language whose function words cover most of the text ("" when none fits)."""
    sample = _sample(text)
    if len(sample) < DETECT_MIN_WORDS:
        return ""
    shares = _shares(sample)
    return shares[0][1] if shares and shares[0][0] > DETECT_MIN_SHARE else ""


def guess_language(text: str) -> str:
    """ISO code of the language ``text`` is most likely in, or "" when unsure.

    The stoplists of related languages share many words (and a few hold English ones), so the winner
    must also beat each close rival on the words only one of the two lists holds.
    """
    sample = _sample(text)
    if len(sample) < GUESS_MIN_WORDS:
        return ""
    shares = _shares(sample)
    if not shares or shares[0][0] < GUESS_MIN_SHARE:
        return ""
    best, code = shares[0]
    winner = stoplist(code)
    for share, rival in shares[1:]:
        if share < GUESS_CLOSE * best:
            break
        other = stoplist(rival)
        own = sum(1 for word in sample if word in winner and word not in other)
        theirs = sum(1 for word in sample if word in other and word not in winner)
        if own == 0 or own < GUESS_MIN_LEAD * theirs:
            return ""
    return code


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
            return primary_language(match.group(1))
    return ""


def with_language(article: Article) -> Article:
    """The article with its language set: as the page declared it, else guessed from its text."""
    if article.language:
        return article
    from dataclasses import replace

    text = " ".join([article.headline, *article.highlights, *(block.text for block in article.blocks)])
    return replace(article, language=guess_language(text))
