"""Article + config -> Script: what is spoken, in what order, with which pauses. Pure: no I/O."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .config import Config
from .models import HEADING, ITEM, Article, Script, Segment


def spoken_date(article: Article) -> str:
    """ "Monday, March 6, 2017" from the article's date, or the date line as printed."""
    if article.iso_date:
        day = date.fromisoformat(article.iso_date)
        return f"{day:%A}, {day:%B} {day.day}, {day.year}"
    return article.date


def article_title(article: Article) -> str:
    if article.headline:
        return article.headline
    stem = Path(article.source).stem if article.source else ""
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or "Untitled article"


def build_script(article: Article, config: Config) -> Script:
    """Order the article's parts into spoken segments as the config says."""
    pauses = config.pauses
    fields = {
        "headline": article_title(article),
        "show": config.show.name,
        "date": spoken_date(article),
        "byline": article.byline,
    }
    segments: list[Segment] = []
    for kind in config.script.order:
        if kind in ("intro", "outro"):
            text = getattr(config.script, kind).format(**fields).strip()
            if text:
                segments.append(Segment(kind, text, pauses.segment))
        elif kind == "headline" and article.headline:
            segments.append(Segment(kind, article.headline, pauses.segment))
        elif kind == "byline" and article.byline:
            segments.append(Segment(kind, article.byline, pauses.segment))
        elif kind == "date" and fields["date"]:
            segments.append(Segment(kind, fields["date"], pauses.segment))
        elif kind == "highlights" and article.highlights:
            last = len(article.highlights) - 1
            segments.extend(
                Segment(kind, text, pauses.segment if index == last else pauses.highlight)
                for index, text in enumerate(article.highlights)
            )
        elif kind == "body":
            segments.extend(_body_segments(article, config))
        elif kind == "credits" and article.credits:
            segments.append(Segment(kind, " ".join(article.credits), pauses.segment))
    if segments:
        segments[-1] = Segment(segments[-1].kind, segments[-1].text, 0, segments[-1].block)
    return Script(
        title=fields["headline"],
        segments=tuple(segments),
        date=article.iso_date,
        byline=article.byline,
        source=article.source,
    )


def _body_segments(article: Article, config: Config) -> list[Segment]:
    pauses = config.pauses
    segments: list[Segment] = []
    blocks = article.blocks
    for index, block in enumerate(blocks):
        if block.kind == HEADING:
            segments.append(Segment("heading", block.text, pauses.heading))
            continue
        next_kind = blocks[index + 1].kind if index + 1 < len(blocks) else None
        pause = pauses.item if block.kind == ITEM and next_kind == ITEM else pauses.paragraph
        segments.append(Segment("body", block.text, pause, block.kind))
    return segments
