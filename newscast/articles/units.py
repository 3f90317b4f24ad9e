"""The body classification both readers share: a page's body units -> blocks, credits, dateline place, dropped.

The text reader (``text.py``) cuts a scrape into units and reads its header; the HTML reader (``html.py``)
takes every text node trafilatura kept as a unit. Both hand the body's units to :func:`read_body`, which
drops what the noise rules (``noise.py``) and the prose signals (``signals.py``) are sure is furniture,
and sorts the rest into paragraphs, subheadings, list items and tables, with the credits apart.
Public surface: :func:`read_body` and :class:`Body`, :func:`split_dateline`, :func:`starts_with_dateline`,
:func:`is_credit`, :data:`TABLE_MARK`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..models import HEADING, ITEM, PARAGRAPH, TABLE, Block, Dropped
from . import noise, signals

TABLE_MARK = "\u2263"  # starts a unit that holds a table (from HTML): rows on lines, cells joined by " | "

_OUTLET = r"[A-Z][A-Za-z&.]*(?:\s[A-Z][A-Za-z&.]*){0,3}"
_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Za-z.'\u2019-]*(?:[ ,]+[A-Z][A-Za-z.'\u2019-]*){{0,4}})?\s*\({_OUTLET}\)\s*"
    r"(?:[-\u2013\u2014]+\s*)?(?=[\"\u201c'A-Z0-9])"
)
_DASH_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\u2019-]+(?:\s[A-Z][A-Z.'\u2019-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?)"
    r"\s*[-\u2013\u2014]{1,2}\s+(?=[\"\u201c'A-Z0-9])"
)


def starts_with_dateline(unit: str) -> bool:
    """The unit opens with a dateline ("LONDON (CNN) --", "HANOI, Vietnam (AP) --", "MADRID --")."""
    return bool(_DATELINE.match(unit) or _DASH_DATELINE.match(unit))


def split_dateline(paragraph: str) -> tuple[str, str]:
    """ "LONDON (CNN)The minister said" -> ("London", "The minister said")."""
    for pattern in (_DATELINE, _DASH_DATELINE):
        match = pattern.match(paragraph)
        if match and len(paragraph) > match.end():
            place = (match.group("place") or "").strip(" ,")
            place = " ".join(word.title() if word.isupper() and len(word) > 2 else word for word in place.split())
            return place, paragraph[match.end() :]
    return "", paragraph


_CREDIT = re.compile(
    r"\bcontributed(?: reporting)?(?: to (?:this|the) (?:report|story|article))?\s*\.?$"
    r"|\bcontributed (?:reporting|research)\b"
    r"|^with (?:[\w.]+ ){0,2}(?:wires|wire services|news agencies)\.?$"
    r"|^(?:additional )?reporting by\b|^(?:writing|editing|edited|compiled|produced|written) by\b"
    r"|\breported (?:from|this story)\b|^this (?:story|article|report) (?:was|has been) (?:updated|corrected)",
    re.IGNORECASE,
)
_CREDIT_TAIL = 6  # credits sit at the end of a story
_CREDIT_MAX_WORDS = 40


def is_credit(unit: str, from_end: int) -> bool:
    """A short credit line near the end ("Jane Roe contributed to this report."), never one mid-story."""
    return from_end < _CREDIT_TAIL and len(unit.split()) <= _CREDIT_MAX_WORDS and bool(_CREDIT.search(unit))


# Furniture anywhere but after the story's last paragraph, where it credits the story ("© 2019 Associated Press.
# All rights reserved.", "Quelle: dpa"): kept with the credits then.
_CREDIT_FURNITURE = {"copyright", "source line"}


def _closing_credits(units: list[str], prose: list[bool], furniture: dict[int, str]) -> set[int]:
    """The rights and source lines among the last units with no prose after them."""
    closing: set[int] = set()
    for index in range(len(units) - 1, max(-1, len(units) - 1 - _CREDIT_TAIL), -1):
        if prose[index] and furniture.get(index) not in _CREDIT_FURNITURE:
            break
        if furniture.get(index) in _CREDIT_FURNITURE and len(units[index].split()) <= _CREDIT_MAX_WORDS:
            closing.add(index)
    return closing


@dataclass
class Body:
    blocks: list[Block] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    place: str = ""  # the dateline's place name
    dropped: list[Dropped] = field(default_factory=list)


def read_body(units: list[str], headline: str, language: str = "en", extracted: bool = False) -> Body:
    """Body units -> blocks, credits and the dateline place, with every kind of furniture dropped (and noted).

    ``extracted``: the units are what trafilatura kept of an HTML page, so the floor of what is spoken.
    Repeats (a recipe's steps, a refrain) and runs of short lines (subheadings, list-like text) stay
    unless gallery or player chrome sits next to them.
    """
    body = Body()
    headline_key = noise.fingerprint(headline) if headline else None
    kept = []
    for unit in units:
        if noise.fingerprint(unit) == headline_key:
            body.dropped.append(Dropped(unit, "headline repeated"))
        else:
            kept.append(unit)
    units = kept
    prose = [signals.is_prose(unit, language) for unit in units]
    furniture = noise.furniture_in_context(units, prose)
    markers = [noise.is_marker(unit) for unit in units] if extracted else []
    closing = _closing_credits(units, prose, furniture)
    closing_texts = {units[index] for index in closing}
    for index, unit in enumerate(units):
        if unit.startswith(TABLE_MARK) or index in closing:
            furniture.pop(index, None)
        elif extracted and furniture.get(index) == "repeated" and not noise.near_marker(units, index, markers):
            furniture.pop(index)
    if extracted:
        for index in _short_lines_at_the_edges(units, prose):
            furniture.setdefault(index, "short line outside the story")
    body.dropped.extend(Dropped(unit, furniture[index]) for index, unit in enumerate(units) if index in furniture)
    units = [unit for index, unit in enumerate(units) if index not in furniture]
    teasers = noise.teaser_runs(units) if not extracted else set()
    body.dropped.extend(Dropped(unit, "run of teaser links") for index, unit in enumerate(units) if index in teasers)
    units = [unit for index, unit in enumerate(units) if index not in teasers]

    for index, unit in enumerate(units):
        from_end = len(units) - 1 - index
        credit = is_credit(unit, from_end) or unit in closing_texts
        if body.credits and len(unit) < 200 and not credit:
            body.dropped.append(Dropped(unit, "page footer after the credits"))
            continue
        following = units[index + 1] if index + 1 < len(units) else ""
        if unit.startswith(TABLE_MARK):
            body.blocks.append(Block(TABLE, unit.removeprefix(TABLE_MARK)))
        elif credit:
            body.credits.append(unit)
        elif noise.BULLET.match(unit) and not (unit[0].isdigit() and not _numbered_neighbour(units, index)):
            # A numbered item keeps its number ("1. Choose the pot"); a symbol bullet is not spoken.
            body.blocks.append(Block(ITEM, unit if unit[0].isdigit() else noise.BULLET.sub("", unit)))
        elif noise.is_heading_like(unit):
            # A subheading introduces what follows it; one with nothing after it is a stray link.
            if following and not noise.is_heading_like(following) and not is_credit(following, from_end - 1):
                body.blocks.append(Block(HEADING, unit))
            elif following and index + 2 < len(units) and signals.is_prose(units[index + 2], ""):
                body.blocks.append(Block(HEADING, unit))  # a heading over its subheading ("WINNER: Mayor")
            elif extracted and len(unit.split()) > 1:  # a short line kept among others ("Meal 1", "Tickets: ...")
                body.blocks.append(Block(PARAGRAPH, unit))
            else:
                body.dropped.append(Dropped(unit, "heading with nothing under it"))
        else:
            if not any(block.kind == PARAGRAPH for block in body.blocks):
                body.place, unit = split_dateline(unit)
            body.blocks.append(Block(PARAGRAPH, unit))
    return body


_EDGE_LINE_WORDS = 6
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*$")


def _short_lines_at_the_edges(units: list[str], prose: list[bool]) -> set[int]:
    """The runs of short lines that open and close the extracted text: labels, links, tags (jusText
    classes short blocks by their neighbours). A run ends at the first longer unit; a subheading right
    above the first paragraph stays."""
    if not any(prose):
        return set()

    def short(index: int) -> bool:
        unit = units[index]
        if prose[index] or unit.startswith(TABLE_MARK) or noise.BULLET.match(unit):
            return False  # list items and tables are the page's own structure
        if is_credit(unit, len(units) - 1 - index):
            return False  # "With Post wires": the story's credit, kept apart, not a stray line
        return len(unit.split()) <= _EDGE_LINE_WORDS and not _SENTENCE_END.search(unit)

    edges: set[int] = set()
    for order in (range(len(units)), range(len(units) - 1, -1, -1)):
        run = list(itertools.takewhile(short, order))
        if order.step == 1 and run and noise.is_heading_like(units[run[-1]]):
            run.pop()  # the subheading over the first paragraph
        edges.update(run)
    return edges


def _numbered_neighbour(units: list[str], index: int) -> bool:
    """A numbered line is a list item when a neighbour is one too; alone ("31. Oktober 2023 ...") it is text."""
    return any(0 <= i < len(units) and noise.BULLET.match(units[i]) for i in (index - 1, index + 1))
