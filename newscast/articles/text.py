"""Plain-text page scrapes -> Article.

A scrape is the page's text top to bottom: site furniture, the headline, byline and date, story
highlights, then the body with galleries, players and teasers mixed in. The reader cuts it into
units (one per paragraph or line), reads the header, then keeps the body units no noise rule claims.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..errors import ArticleError
from ..models import HEADING, ITEM, PARAGRAPH, TABLE, Article, Block, Dropped
from . import noise, signals
from .byline import byline_fields
from .dates import find_date, is_date_line

_WRAPPED_LINE_LENGTH = range(55, 101)
TABLE_MARK = "\u2263"  # starts a unit that holds a table (from HTML): rows on lines, cells joined by " | "


def split_units(text: str, dropped: list[Dropped] | None = None) -> list[str]:
    """Blank-line blocks, then lines; hard-wrapped prose is joined back into paragraphs.

    What the cleaners cut out of a unit (an inline gallery or player, a photo credit) goes to ``dropped``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    units: list[str] = []
    for block in re.split(r"\n[ \t\u00a0]*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        units.extend(_join_wrapped_lines(lines))
    kept = []
    for unit in units:
        if dropped is None:
            cleaned = noise.clean_unit(unit)
        else:
            cleaned, cuts = noise.clean_unit_with_cuts(unit)
            dropped.extend(Dropped(text, rule) for text, rule in cuts)
        if cleaned:
            kept.append(cleaned)
    return kept


def _join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join the lines of a hard-wrapped paragraph; keep line-per-element layouts apart."""
    heads = [len(line) for line in lines[:-1]]
    wrapped_block = (
        len(lines) >= 2
        and all(length in _WRAPPED_LINE_LENGTH for length in heads)
        and max(heads) - min(heads) <= 30
        and not any(noise.BULLET.match(line) for line in lines)
    )
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        open_ended = bool(previous) and not previous.endswith(noise.TERMINAL_PUNCTUATION)
        if (
            previous
            and not noise.BULLET.match(line)
            and ((wrapped_block and (len(lines) >= 3 or open_ended)) or (open_ended and line[0].islower()))
        ):
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


# ---------------------------------------------------------------------------------------------
# Header: headline, byline, date line, highlights

# The name after "By" starts with a capital ("By the numbers: ..." is a heading, not a byline).
_BYLINE = re.compile(r"^(?i:(?:(?:written|story|words|reporting) )?by)\s+(?=[A-Z\u00c0-\u024f])(.{2,160})$")
_GLUED_DATE = re.compile(r"\s+(?=(?:Updated|Published|Posted|Last updated)\b)")
_HIGHLIGHTS_LABEL = re.compile(
    r"^(?:story highlights|highlights|key points|key takeaways|in brief|at a glance)\b\s*[:\-\u2014]?\s*(.*)$",
    re.IGNORECASE,
)
MAX_HIGHLIGHTS = 8


def is_byline(text: str) -> bool:
    match = _BYLINE.match(text)
    return bool(match) and len(match.group(1).split()) <= 24 and not text.endswith(("?", "!"))


@dataclass
class Header:
    headline: str = ""
    byline: str = ""
    date: str = ""
    highlights: list[str] = field(default_factory=list)
    body_start: int = 0
    dropped: list[Dropped] = field(default_factory=list)


def read_header(units: list[str], headline: str = "") -> Header:
    """Find the headline, byline, date and highlights at the top of the page.

    ``headline`` is one already known (a markdown ``# title``): everything above it is site furniture.
    """
    header = Header(headline=headline)
    start = 0
    if headline:
        key = noise.fingerprint(headline)
        start = next((i + 1 for i, unit in enumerate(units) if noise.fingerprint(unit) == key), 0)
        header.dropped.extend(Dropped(unit, "above the headline") for unit in units[: max(0, start - 1)])
    in_highlights = False
    context = noise.furniture_in_context(units[start : start + 40])
    index = start
    for index, unit in enumerate(units[start:], start):
        rule = noise.furniture_rule(unit)
        if rule and not _HIGHLIGHTS_LABEL.match(unit) and not is_date_line(unit):
            header.dropped.append(Dropped(unit, rule))
            continue
        if is_byline(unit) and not header.byline:
            byline, *dates = _GLUED_DATE.split(unit, maxsplit=1)
            header.byline = byline.strip()
            if dates and not header.date:
                header.date = dates[0].strip()
            in_highlights = False
            continue
        if is_date_line(unit) and not header.date:
            header.date = unit
            in_highlights = False
            continue
        label = _HIGHLIGHTS_LABEL.match(unit)
        if label and header.headline and not header.highlights and _label_opens_list(label.group(1)):
            in_highlights = True
            if label.group(1):
                header.highlights.append(label.group(1))
            else:
                header.dropped.append(Dropped(unit, "highlights label"))
            continue
        if in_highlights and _ends_highlights(header.highlights, unit):
            in_highlights = False
        if in_highlights and len(header.highlights) < MAX_HIGHLIGHTS and _is_highlight(unit):
            header.highlights.append(noise.BULLET.sub("", unit))
            continue
        if not header.headline:
            if _is_headline(unit, units[index + 1 : index + 3], first=index == start):
                header.headline = unit
                continue
            if len(unit.split()) <= 3 and not unit.endswith((".", "!", "?")):
                header.dropped.append(Dropped(unit, "navigation above the headline"))
                continue
        elif not header.highlights and _highlights_label_ahead(units, index, start, context):
            # A video player or a messenger prompt between the headline and its "Story highlights" label.
            header.dropped.append(Dropped(unit, context.get(index - start) or "player or prompt above the highlights"))
            continue
        elif not header.byline and not header.highlights and _byline_follows(units[index + 1 : index + 4]):
            header.highlights.append(unit)  # the standfirst between a headline and its byline
            continue
        break
    else:
        index = len(units)
    header.body_start = index
    return header


_HIGHLIGHTS_REACH = 10


def _highlights_label_ahead(units: list[str], index: int, start: int, context: dict[int, str]) -> bool:
    """A highlights label comes soon, and nothing before it is prose that is not furniture."""
    for ahead in range(index, min(len(units), index + _HIGHLIGHTS_REACH)):
        unit = units[ahead]
        if _HIGHLIGHTS_LABEL.match(unit) and _label_opens_list(_HIGHLIGHTS_LABEL.match(unit).group(1)):
            return ahead > index
        if ahead - start not in context and signals.is_prose(unit, ""):
            return False
    return False


_UNSPACED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def word_count(text: str) -> int:
    """Words, counting scripts written without spaces (Chinese, Japanese, Thai) at two characters a word."""
    return len(text.split()) + len(_UNSPACED_SCRIPT.findall(text)) // 2


def _byline_follows(units: list[str]) -> bool:
    for unit in units:
        if is_byline(unit) or is_date_line(unit):
            return True
        if not noise.is_furniture(unit):
            return False
    return False


def _label_opens_list(rest: str) -> bool:
    return not rest or rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"'\u201c"


def _is_headline(unit: str, following: list[str], first: bool = False) -> bool:
    """Headlines are short and rarely end with a full stop; a byline or date under one settles it.

    The file's first unit, short and over a longer paragraph, is the headline even when it ends in
    punctuation ("OPINION: ... Then came the vote.").
    """
    if len(unit) > 250 or noise.BULLET.match(unit):
        return False
    header_follows = any(
        is_byline(next_unit) or is_date_line(next_unit) or _HIGHLIGHTS_LABEL.match(next_unit) for next_unit in following
    )
    if unit.endswith((".", "\u3002")):
        over_longer = bool(following) and len(following[0]) > len(unit) and len(unit.split()) >= 4
        return (header_follows and len(unit) <= 120) or (first and over_longer and len(unit) <= 160)
    words = word_count(unit)
    return words >= 3 or (words == 2 and header_follows)


def _ends_highlights(highlights: list[str], unit: str) -> bool:
    """Highlights share a style: after unpunctuated ones, a sentence with a full stop is the story's start."""
    return bool(highlights) and unit.endswith(".") and not any(h.endswith(".") for h in highlights)


def _is_highlight(unit: str) -> bool:
    if noise.BULLET.match(unit):
        return True
    if len(unit) > 200 or _DATELINE.match(unit) or _DASH_DATELINE.match(unit):
        return False
    return not (unit.endswith(".") and len(unit) > 140)


# ---------------------------------------------------------------------------------------------
# Body: datelines, credits, subheadings and list items

_OUTLET = r"[A-Z][A-Za-z&.]*(?:\s[A-Z][A-Za-z&.]*){0,3}"
_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Za-z.'\u2019-]*(?:[ ,]+[A-Z][A-Za-z.'\u2019-]*){{0,4}})?\s*\({_OUTLET}\)\s*"
    r"(?:[-\u2013\u2014]+\s*)?(?=[\"\u201c'A-Z0-9])"
)
_DASH_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'\u2019-]+(?:\s[A-Z][A-Z.'\u2019-]+){0,3}(?:,\s*[A-Z][A-Za-z.]+(?:\s[A-Z][A-Za-z.]+)?)?)"
    r"\s*[-\u2013\u2014]{1,2}\s+(?=[\"\u201c'A-Z0-9])"
)


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
    r"|^(?:additional )?reporting by\b|^(?:writing|editing|edited|compiled|produced|written) by\b"
    r"|\breported (?:from|this story)\b|^this (?:story|article|report) (?:was|has been) (?:updated|corrected)",
    re.IGNORECASE,
)
_CREDIT_TAIL = 6  # credits sit at the end of a story
_CREDIT_MAX_WORDS = 40


def is_credit(unit: str, from_end: int) -> bool:
    """A short credit line near the end ("Jane Roe contributed to this report."), never one mid-story."""
    return from_end < _CREDIT_TAIL and len(unit.split()) <= _CREDIT_MAX_WORDS and bool(_CREDIT.search(unit))


@dataclass
class Body:
    blocks: list[Block] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    place: str = ""  # the dateline's place name
    dropped: list[Dropped] = field(default_factory=list)


def read_body(units: list[str], headline: str, language: str = "English", extracted: bool = False) -> Body:
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
    for index, unit in enumerate(units):
        if unit.startswith(TABLE_MARK):
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
        if body.credits and len(unit) < 200 and not is_credit(unit, from_end):
            body.dropped.append(Dropped(unit, "page footer after the credits"))
            continue
        following = units[index + 1] if index + 1 < len(units) else ""
        if unit.startswith(TABLE_MARK):
            body.blocks.append(Block(TABLE, unit.removeprefix(TABLE_MARK)))
        elif is_credit(unit, from_end):
            body.credits.append(unit)
        elif noise.BULLET.match(unit) and not (unit[0].isdigit() and not _numbered_neighbour(units, index)):
            # A numbered item keeps its number ("1. Choose the pot"); a symbol bullet is not spoken.
            body.blocks.append(Block(ITEM, unit if unit[0].isdigit() else noise.BULLET.sub("", unit)))
        elif noise.is_heading_like(unit):
            # A subheading introduces what follows it; one with nothing after it is a stray link.
            if following and not noise.is_heading_like(following) and not is_credit(following, from_end - 1):
                body.blocks.append(Block(HEADING, unit))
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


_MARKDOWN_TITLE = re.compile(r"^#[ \t]+(\S.{0,250})$", re.MULTILINE)


def parse_scrape(text: str, source: str = "") -> Article:
    """Read a plain-text scrape of a news page."""
    vanished: list[Dropped] = []
    units = split_units(text, vanished)
    if not units:
        raise ArticleError(f"no text found in {source or 'the input'}")
    title = _MARKDOWN_TITLE.search(text)
    header = read_header(units, noise.clean_unit(title.group(1)) if title else "")
    language = signals.detect_language(" ".join(units[header.body_start :]))
    body = read_body(units[header.body_start :], header.headline, language)
    if not any(block.kind in (PARAGRAPH, ITEM) for block in body.blocks):
        raise ArticleError(
            f"no article text found in {source or 'the input'}: it has no paragraphs once page furniture is removed"
        )
    return Article(
        headline=header.headline,
        **byline_fields(header.byline),
        date=header.date,
        iso_date=find_date(header.date) if header.date else "",
        dateline=body.place,
        highlights=tuple(header.highlights),
        blocks=tuple(body.blocks),
        credits=tuple(body.credits),
        source=source,
        dropped=(*vanished, *header.dropped, *body.dropped),
    )
