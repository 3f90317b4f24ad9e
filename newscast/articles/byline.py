"""A byline as printed ("By Marisol Ortega, Harbor Gazette") -> the writers' names and the outlet.

Pages print bylines in a handful of shapes: a leading "By", names joined by commas and "and", then the
outlet or the writer's role after a comma, a bar or a dash, or after "for". The names are what a template's
``{byline}`` and the ID3 artist want; the outlet is kept apart for ``{outlet}``; roles are dropped.
"""

from __future__ import annotations

import re

_LEAD = re.compile(r"^\s*(?:(?:written|story|words|reporting|report|text|interview)\s+)?by\b[\s:]*", re.IGNORECASE)
_FOR_OUTLET = re.compile(r"\s+(?:for|from)\s+(?=(?:the\s+)?[A-Z0-9])(.+)$")
_SEPARATOR = re.compile(r"\s*(?:\||/|\u2022|\u00b7|\s[-\u2013\u2014]\s|[\u2013\u2014])\s*")
_NAMES = re.compile(r"\s*(?:,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*)", re.IGNORECASE)
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
    """A printed byline line ("By Dana Whitfield and Ray Ota"), not a heading that starts with "By"."""
    match = _BYLINE.match(text)
    return bool(match) and len(match.group(1).split()) <= 24 and not text.endswith(("?", "!"))


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


def byline_fields(text: str) -> dict[str, str]:
    """The Article fields a printed byline fills: ``byline`` (names only) and ``outlet``."""
    names, outlet = clean_byline(text)
    return {"byline": names, "outlet": outlet}
