"""A byline as printed ("By Marisol Ortega, Harbor Gazette") -> the writers' names and the outlet.

Pages print bylines in a handful of shapes: a leading "By", names joined by commas and "and", then the
outlet or the writer's role after a comma, a bar or a dash, or after "for". The names are what a template's
``{byline}`` and the ID3 artist want; the outlet is kept apart for ``{outlet}``; roles are dropped.
"""

from __future__ import annotations

import re
from typing import TypedDict

from .labels import BYLINE_WORDS, NAME_JOINERS, NAME_PARTICLES

_LEAD_WORDS = "|".join(sorted(set(BYLINE_WORDS.values())))
_JOINERS = "|".join(sorted(set(NAME_JOINERS.values()), key=len, reverse=True))
_LEAD = re.compile(
    rf"^\s*(?:(?:(?:written|story|words|reporting|report|text|interview)\s+)?by|(?:{_LEAD_WORDS})(?=\s+[^\W\d_]))\b[\s:]*",
    re.IGNORECASE,
)
_FOR_OUTLET = re.compile(r"\s+(?:for|from)\s+(?=(?:the\s+)?[A-Z0-9])(.+)$")
_SEPARATOR = re.compile(r"\s*(?:\||/|\u2022|\u00b7|\s[-\u2013\u2014]\s|[\u2013\u2014])\s*")
_NAMES = re.compile(rf"\s*(?:,\s*(?:(?:{_JOINERS})\s+|&\s*)?|\s+(?:{_JOINERS})\s+|\s*&\s*)", re.IGNORECASE)
# Words that say a phrase is a job, not a person: dropped.
_ROLE = re.compile(
    r"\b(?:correspondent|reporter|writer|editor|contributor|columnist|staff|producer|analyst|journalist|"
    r"photographer|photojournalist|bureau|chief|senior|intern|freelance|special|fellow)s?\b",
    re.IGNORECASE,
)
# Generic words publications are named with: a phrase holding one is an outlet, not a person.
_PRESS = re.compile(
    r"\b(?:news|press|times|post|journal|gazette|herald|tribune|daily|weekly|radio|tv|television|media|"
    r"magazine|wire|agency|network|broadcasting|chronicle|courier|observer|telegraph|standard|review|"
    r"report|today|online|dispatch|record|mirror|express|sun|star|globe|bulletin|inquirer|register|"
    r"examiner|independent|guardian|monitor|service|newspaper)\b|\.(?:com|org|net|co)\b",
    re.IGNORECASE,
)

# The name after "By" starts with a capital ("By the numbers: ..." is a heading, not a byline).
_BYLINE = re.compile(r"^(?i:(?:(?:written|story|words|reporting) )?by)\s+(?=[A-Z\u00c0-\u024f])(.{2,160})$")


def is_byline(text: str) -> bool:
    """A printed byline line ("By Dana Whitfield and Ray Ota", "Par Claire Moreau"), not a heading or a
    sentence that starts with the same word ("By the numbers: ...", "Par ailleurs, le maire a dit ...")."""
    match = _BYLINE.match(text)
    if match:
        return len(match.group(1).split()) <= 24 and not text.endswith(("?", "!"))
    match = _FOREIGN_BYLINE.match(text)
    return match is not None and _names_only(match.group(1))


# Outside English the lead word is also a common preposition ("Von Anfang an", "Por la mañana"): the
# rest of the line must be names, each capitalised, joined by commas or "and"; after a comma or a bar
# may follow a short outlet or role ("Von Anna Berger, dpa").
_FOREIGN_BYLINE = re.compile(rf"^(?:{_LEAD_WORDS})\s+(?=[^\W\d_])(.{{2,160}})$", re.IGNORECASE)
_PARTICLES = frozenset(NAME_PARTICLES)
_NAME_WORD = re.compile(r"^(?:[^\W\d_]\.)+$|^[^\W\d_][^\W\d_'\u2019.-]*(?:['\u2019-][^\W\d_]+)*$")


def _is_name(phrase: str) -> bool:
    """ "Claire Moreau", "Pieter van den Berg", "J. R. Ortega": two to five words, capitalised at both ends."""
    tokens = phrase.split()
    if not 2 <= len(tokens) <= 5 or not all(_NAME_WORD.match(token) for token in tokens):
        return False
    inner = tokens[1:-1]
    return tokens[0][0].isupper() and tokens[-1][0].isupper() and all(t[0].isupper() or t in _PARTICLES for t in inner)


def _names_only(rest: str) -> bool:
    if rest.endswith(("?", "!", ".")) or len(rest.split()) > 20:
        return False
    first, *after = _SEPARATOR.split(rest, maxsplit=1)
    phrases = [phrase.strip() for phrase in _NAMES.split(first) if phrase.strip()]
    names = 0
    while names < len(phrases) and _is_name(phrases[names]):
        names += 1
    extra = phrases[names:]
    return names > 0 and len(extra) <= 1 and len(" ".join([*extra, *after]).split()) <= 4


def _is_outlet(phrase: str) -> bool:
    # A bylined person has a given name and a surname; one word on its own ("AP", "Reuters") is a publication.
    return phrase.lower().startswith("the ") or bool(_PRESS.search(phrase)) or len(phrase.split()) == 1


def _is_role(phrase: str) -> bool:
    return bool(_ROLE.search(phrase))


def clean_byline(text: str) -> tuple[str, str]:
    """(names, outlet) from a printed byline; names joined as "A", "A and B", "A, B and C"."""
    rest = _LEAD.sub("", " ".join(text.split()), count=1).strip(" ,;")
    if not rest:
        return "", ""
    outlet = ""
    match = _FOR_OUTLET.search(rest)
    if match:
        rest, outlet = rest[: match.start()], match.group(1).strip(" .,;")
    names: list[str] = []
    for index, part in enumerate(part for part in _SEPARATOR.split(rest) if part.strip()):
        for phrase in (phrase.strip(" .,;") for phrase in _NAMES.split(part) if phrase.strip(" .,;")):
            if _is_role(phrase):
                continue
            if _is_outlet(phrase):
                outlet = outlet or phrase
                continue
            if index > 0 and names:
                continue  # after a bar or a dash: a role or a desk, not another writer
            names.append(phrase)
    joined = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 2 else " and ".join(names)
    return joined, outlet


class BylineFields(TypedDict):
    byline: str
    outlet: str


def byline_fields(text: str) -> BylineFields:
    """The Article fields a printed byline fills: ``byline`` (names only) and ``outlet``."""
    names, outlet = clean_byline(text)
    return {"byline": names, "outlet": outlet}
