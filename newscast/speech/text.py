"""News text -> text an engine reads well. The transcript keeps the article's own words."""

from __future__ import annotations

import re

_DOUBLE_DASH = re.compile(r"\s*(?:--|\u2014|\u2013(?=\s))\s*")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\u2026)\s*")
_AMPERSAND = re.compile(r"\s&\s")


def dashes_as_pauses(text: str) -> str:
    """ "credible -- alternative" and em dashes read as a comma pause."""
    return _DOUBLE_DASH.sub(", ", text)


def ellipses_as_pauses(text: str) -> str:
    return _ELLIPSIS.sub(", ", text).rstrip(", ")


def ampersands_as_and(text: str) -> str:
    return _AMPERSAND.sub(" and ", text)


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


NORMALISERS = (dashes_as_pauses, ellipses_as_pauses, ampersands_as_and, collapse_spaces)


def speakable(text: str) -> str:
    """Run every normaliser, in order."""
    for normaliser in NORMALISERS:
        text = normaliser(text)
    return text
