"""News text -> text an engine reads well, as small named steps. The transcript keeps the article's words."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL_ONES = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
    "twelve": "twelfth",
}  # fmt: skip


def number_words(number: int) -> str:
    """0..999 in words: 42 -> "forty-two"."""
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(number, 100)
    return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")


def ordinal_words(number: int) -> str:
    """1 -> "first", 23 -> "twenty-third", 112 -> "one hundred twelfth"."""
    words = number_words(number)
    head, _, last = words.rpartition(" ")
    stem, dash, unit = last.rpartition("-")
    if unit in _ORDINAL_ONES:
        unit = _ORDINAL_ONES[unit]
    elif unit.endswith("y"):
        unit = unit[:-1] + "ieth"
    else:
        unit += "th"
    return f"{head} {stem}{dash}{unit}".strip() if head else f"{stem}{dash}{unit}"


# ---------------------------------------------------------------------------------------------
# Steps: str -> str

_DOUBLE_DASH = re.compile(r"\s*(?:--|\u2014|\u2013(?=\s))\s*")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\u2026)\s*")
_AMPERSAND = re.compile(r"(?<=\w)\s*&\s*(?=\w)")


def dashes_as_pauses(text: str) -> str:
    """ "credible -- alternative" and em dashes read as a comma pause."""
    return _DOUBLE_DASH.sub(", ", text)


def ellipses_as_pauses(text: str) -> str:
    return _ELLIPSIS.sub(", ", text).strip(" ,") or text


def ampersands_as_and(text: str) -> str:
    """ "Barnum & Bailey" -> "Barnum and Bailey"; "AT&T" stays letters: "A T and T"."""
    return _AMPERSAND.sub(" and ", text)


_ABBREVIATIONS = {
    "Gov.": "Governor", "Sen.": "Senator", "Rep.": "Representative", "Sens.": "Senators", "Reps.": "Representatives",
    "Gen.": "General", "Lt.": "Lieutenant", "Col.": "Colonel", "Sgt.": "Sergeant", "Capt.": "Captain",
    "Cmdr.": "Commander", "Adm.": "Admiral", "Prof.": "Professor", "Rev.": "Reverend", "Dr.": "Doctor",
    "Pres.": "President", "Supt.": "Superintendent", "Atty.": "Attorney", "Mt.": "Mount", "Ft.": "Fort",
    "Jr.": "Junior", "Sr.": "Senior", "vs.": "versus", "approx.": "approximately", "est.": "estimated",
    "Inc.": "Incorporated", "Corp.": "Corporation", "Co.": "Company", "Ltd.": "Limited", "Dept.": "Department",
    "Univ.": "University", "Ave.": "Avenue", "Blvd.": "Boulevard", "Rd.": "Road",
}  # fmt: skip
_ABBREVIATION = re.compile(r"(?<![\w.])(" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?=\s|$|,)")
_SAINT_OR_STREET = re.compile(r"(?<![\w.])St\.(?=\s+([A-Z])?)")
_NUMBER_SIGN = re.compile(r"\bNo\.\s*(?=\d)")
_MONTH_ABBREVIATIONS = {
    "Jan.": "January", "Feb.": "February", "Mar.": "March", "Apr.": "April", "Aug.": "August",
    "Sept.": "September", "Sep.": "September", "Oct.": "October", "Nov.": "November", "Dec.": "December",
}  # fmt: skip
_MONTH_ABBREVIATION = re.compile(r"\b(" + "|".join(re.escape(m) for m in _MONTH_ABBREVIATIONS) + r")(?=\s*\d)")


def expand_abbreviations(text: str) -> str:
    """Titles and common abbreviations in full: "Gov. Chris Christie" -> "Governor Chris Christie"."""
    text = _MONTH_ABBREVIATION.sub(lambda m: _MONTH_ABBREVIATIONS[m.group(1)], text)
    text = _NUMBER_SIGN.sub("number ", text)
    # "St." before a name is Saint; after one ("Main St.") it is Street.
    text = _SAINT_OR_STREET.sub(lambda m: "Saint" if m.group(1) else "Street", text)
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)


_SCALE = r"(?:\s+(?P<scale>thousand|million|billion|trillion))?"
_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
               "€": ("euro", "euros", "cent", "cents")}  # fmt: skip
_MONEY = re.compile(r"(?P<symbol>[$£€])\s?(?P<whole>\d[\d,]*)(?:\.(?P<cents>\d{1,2}))?" + _SCALE + r"\b")


def money_in_words(text: str) -> str:
    """ "$1.2 billion" -> "1.2 billion dollars"; "$2.50" -> "2 dollars and 50 cents"."""

    def spoken(match: re.Match[str]) -> str:
        one, many, cent, cents = _CURRENCIES[match.group("symbol")]
        whole, fraction, scale = match.group("whole"), match.group("cents"), match.group("scale")
        if scale:
            amount = whole + (f".{fraction}" if fraction else "")
            return f"{amount} {scale} {many}"
        unit = one if whole == "1" else many
        if fraction and int(fraction):
            fraction = fraction.ljust(2, "0")
            return f"{whole} {unit} and {int(fraction)} {cent if int(fraction) == 1 else cents}"
        return f"{whole} {unit}"

    return _MONEY.sub(spoken, text)


_PERCENT = re.compile(r"(?<=\d)\s?%")


def percent_in_words(text: str) -> str:
    return _PERCENT.sub(" percent", text)


_TIME_ZONES = {"ET": "Eastern", "EST": "Eastern", "EDT": "Eastern", "CT": "Central", "CST": "Central",
               "CDT": "Central", "MT": "Mountain", "PT": "Pacific", "PST": "Pacific", "PDT": "Pacific",
               "GMT": "G M T", "UTC": "U T C", "BST": "British Summer Time"}  # fmt: skip
_CLOCK = re.compile(
    r"\b(?P<hour>\d{1,2}):(?P<minute>\d{2})(?:\s*(?P<half>[AaPp])\.?\s?[Mm]\.?(?![a-z]))?"
    r"(?:\s+(?P<zone>" + "|".join(_TIME_ZONES) + r")\b)?"
)


def times_in_words(text: str) -> str:
    """ "7:34 AM ET" -> "7 34 A M Eastern"; "10:00 p.m." -> "10 P M"."""

    def spoken(match: re.Match[str]) -> str:
        hour, minute = int(match.group("hour")), int(match.group("minute"))
        if hour > 24 or minute > 59:
            return match.group(0)
        words = f"{hour}" if minute == 0 and match.group("half") else f"{hour} {minute:02d}".replace(" 0", " oh ")
        if minute == 0 and not match.group("half"):
            words = f"{hour} hundred" if hour > 12 else f"{hour} o'clock"
        if match.group("half"):
            words += f" {match.group('half').upper()} M"
        if match.group("zone"):
            words += f" {_TIME_ZONES[match.group('zone')]}"
        return words

    return _CLOCK.sub(spoken, text)


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_DAY = re.compile(rf"\b(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b")
_DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTHS})\b")


def dates_in_words(text: str) -> str:
    """ "March 6, 2017" -> "March sixth, 2017"; "3 September" -> "the third of September"."""
    text = _MONTH_DAY.sub(
        lambda m: (
            f"{m.group('month')} {ordinal_words(int(m.group('day')))}" if 0 < int(m.group("day")) <= 31 else m.group(0)
        ),
        text,
    )
    return _DAY_MONTH.sub(
        lambda m: (
            f"the {ordinal_words(int(m.group('day')))} of {m.group('month')}"
            if 0 < int(m.group("day")) <= 31
            else m.group(0)
        ),
        text,
    )


_ORDINAL = re.compile(r"\b(?P<number>\d{1,3})(?:st|nd|rd|th)\b")


def ordinals_in_words(text: str) -> str:
    """ "the 23rd floor" -> "the twenty-third floor"."""
    return _ORDINAL.sub(lambda m: ordinal_words(int(m.group("number"))), text)


_RANGE = re.compile(r"(?<![\d.,:/-])(?P<low>\d{1,4})\s?[-\u2013](?P<high>\d{1,4})(?![\d/-])")


def ranges_in_words(text: str) -> str:
    """ "2015-2017" -> "2015 to 2017"; "10\u201320 people" -> "10 to 20 people"."""

    def spoken(match: re.Match[str]) -> str:
        low, high = match.group("low"), match.group("high")
        alike = len(low) == len(high) or (len(low) <= 2 and len(high) <= 3)  # not "555-1234"
        return f"{low} to {high}" if alike and int(low) < int(high) else match.group(0)

    return _RANGE.sub(spoken, text)


# Initialisms read as words stay words; the rest are spelled letter by letter.
ACRONYMS_SPOKEN_AS_WORDS = frozenset(
    [
        "NASA",
        "NATO",
        "ISIS",
        "UNICEF",
        "UNESCO",
        "COVID",
        "OPEC",
        "FIFA",
        "UEFA",
        "AIDS",
        "NAFTA",
        "ASEAN",
        "LASER",
        "RADAR",
        "SCUBA",
        "FEMA",
        "OSHA",
        "SWAT",
        "NOAA",
        "ICE",
        "DACA",
        "GIF",
        "PIN",
        "SIM",
        "WHO",
    ]
)
_DOTTED_INITIALISM = re.compile(r"\b(?:[A-Z]\.){2,}(?!\w)")
_INITIALISM = re.compile(r"\b[A-Z]{2,5}s?\b")
_ROMAN_NUMERAL = re.compile(r"^X{0,3}(?:IX|IV|V?I{0,3})$")


def initialisms_as_letters(text: str) -> str:
    """ "US", "U.S.", "FBI" -> "U S", "F B I"; "NASA", "NATO" -> "Nasa", "Nato" so they are read as words."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(text.split()) >= 4 and sum(ch.isupper() for ch in letters) / len(letters) > 0.6:
        return text  # a headline in capitals: leave it to the engine
    text = _DOTTED_INITIALISM.sub(lambda m: " ".join(m.group(0).replace(".", "")) + " ", text)

    def spoken(match: re.Match[str]) -> str:
        word = match.group(0)
        plural = word.endswith("s")
        core = word[:-1] if plural else word
        if _ROMAN_NUMERAL.match(word):
            return word
        if core in ACRONYMS_SPOKEN_AS_WORDS:
            return core.capitalize() + ("s" if plural else "")
        return " ".join(core) + ("'s" if plural else "")

    return _INITIALISM.sub(spoken, text)


def collapse_spaces(text: str) -> str:
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))


NORMALISERS: tuple[Callable[[str], str], ...] = (
    dashes_as_pauses,
    ellipses_as_pauses,
    expand_abbreviations,
    money_in_words,
    percent_in_words,
    times_in_words,
    dates_in_words,
    ordinals_in_words,
    ranges_in_words,
    ampersands_as_and,
    initialisms_as_letters,
    collapse_spaces,
)


def apply_pronunciations(text: str, pronunciations: Mapping[str, str]) -> str:
    """The user's own table: whole words or phrases replaced by how they should sound."""
    for written in sorted(pronunciations, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", pronunciations[written], text)
    return text


def speakable(text: str, pronunciations: Mapping[str, str] | None = None) -> str:
    """Run the user's pronunciations, then every normaliser in order."""
    if pronunciations:
        text = apply_pronunciations(text, pronunciations)
    for normaliser in NORMALISERS:
        text = normaliser(text)
    return text


# A sentence ends at . ! or ? (closing quotes and brackets may follow) before a space and a capital, digit
# or opening quote; not after a title, an initial ("J. K."), a month or a dotted initialism ("U.S.").
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_TITLES = (*_ABBREVIATIONS, *_MONTH_ABBREVIATIONS, "St.", "No.", "Mr.", "Mrs.", "Ms.", "Mx.", "Messrs.")
_NO_BREAK_AFTER = re.compile(
    r"(?:(?<![\w.])(?:" + "|".join(re.escape(title[:-1]) for title in _TITLES) + r")\."  # Gov. Jan. Mr.
    r"|(?<![\w.])[A-Z]\."  # an initial: J. K. Rowling
    r"|(?<![\w.])(?:[A-Za-z]\.){2,})"  # U.S. p.m. D.C.: ambiguous, so kept in one cue
    r"[\"'”’)\]]*$"
)


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph as written: what one transcript cue shows."""
    sentences: list[str] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        head = text[start : boundary.start() + len(boundary.group().rstrip())]
        if _NO_BREAK_AFTER.search(head) and not head.endswith(("!", "?")):
            continue
        sentences.append(head.strip())
        start = boundary.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
