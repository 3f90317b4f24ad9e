"""Plain-text page scrapes -> Article.

A scrape is the page's text top to bottom: site furniture, the headline, byline and date, story
highlights, then the body with galleries, players and teasers mixed in. The reader cuts it into
units (one per paragraph or line) and reads the header here; the body goes to ``units.read_body``,
the classification it shares with the HTML reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ArticleError
from ..models import ITEM, PARAGRAPH, Article, Dropped
from . import noise, signals
from .byline import byline_fields, is_byline
from .dates import DATE_LINE_LEADS, find_date, is_date_line
from .language import detect_language
from .units import read_body, starts_with_dateline

_WRAPPED_LINE_LENGTH = range(55, 101)


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

_GLUED_DATE = re.compile(r"\s+(?=(?:" + "|".join(map(re.escape, DATE_LINE_LEADS)) + r")\b)")
_HIGHLIGHTS_LABEL = re.compile(
    r"^(?:story highlights|highlights|key points|key takeaways|in brief|at a glance)\b\s*[:\-\u2014]?\s*(.*)$",
    re.IGNORECASE,
)
MAX_HIGHLIGHTS = 8


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
        byline, *dates = _GLUED_DATE.split(unit, maxsplit=1)
        if not header.byline and (is_byline(unit) or (dates and is_byline(byline) and is_date_line(dates[0]))):
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
        if (label := _HIGHLIGHTS_LABEL.match(unit)) and _label_opens_list(label.group(1)):
            return ahead > index
        if ahead - start not in context and signals.is_prose(unit, ""):
            return False
    return False


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
    words = signals.word_count(unit)
    return words >= 3 or (words == 2 and header_follows)


def _ends_highlights(highlights: list[str], unit: str) -> bool:
    """Highlights share a style: after unpunctuated ones, a sentence with a full stop is the story's start."""
    return bool(highlights) and unit.endswith(".") and not any(h.endswith(".") for h in highlights)


def _is_highlight(unit: str) -> bool:
    if noise.BULLET.match(unit):
        return True
    if len(unit) > 200 or starts_with_dateline(unit):
        return False
    return not (unit.endswith(".") and len(unit) > 140)


_MARKDOWN_TITLE = re.compile(r"^#[ \t]+(\S.{0,250})$", re.MULTILINE)


def parse_scrape(text: str, source: str = "") -> Article:
    """Read a plain-text scrape of a news page."""
    vanished: list[Dropped] = []
    units = split_units(text, vanished)
    if not units:
        raise ArticleError(f"no text found in {source or 'the input'}")
    title = _MARKDOWN_TITLE.search(text)
    header = read_header(units, noise.clean_unit(title.group(1)) if title else "")
    language = detect_language(" ".join(units[header.body_start :]))
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
