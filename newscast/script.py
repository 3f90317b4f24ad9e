"""Article + config -> Script: what is spoken, in what order, with which pauses. Pure: no I/O."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .config import Config
from .models import Article, BlockKind, Script, Segment, SegmentKind


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
        "outlet": article.outlet,
    }
    segments: list[Segment] = []
    for kind in map(SegmentKind, config.script.order):
        if kind in (SegmentKind.INTRO, SegmentKind.OUTRO):
            text = getattr(config.script, kind).format(**fields).strip()
            if text:
                segments.append(Segment(kind, text, pauses.segment))
        elif kind == SegmentKind.HEADLINE and article.headline:
            segments.append(Segment(kind, article.headline, pauses.segment))
        elif kind == SegmentKind.BYLINE and article.byline:
            outlet = f", {article.outlet}" if article.outlet else ""
            segments.append(Segment(kind, f"By {article.byline}{outlet}", pauses.segment))
        elif kind == SegmentKind.DATE and fields["date"]:
            segments.append(Segment(kind, fields["date"], pauses.segment))
        elif kind == SegmentKind.HIGHLIGHTS and article.highlights:
            last = len(article.highlights) - 1
            segments.extend(
                Segment(kind, text, pauses.segment if index == last else pauses.highlight)
                for index, text in enumerate(article.highlights)
            )
        elif kind == SegmentKind.BODY:
            segments.extend(_body_segments(article, config))
        elif kind == SegmentKind.CREDITS and article.credits:
            segments.append(Segment(kind, " ".join(article.credits), pauses.segment))
    if segments:
        segments[-1] = Segment(segments[-1].kind, segments[-1].text, 0, segments[-1].block)
    return Script(
        title=fields["headline"],
        segments=tuple(segments),
        date=article.iso_date,
        byline=article.byline,
        source=article.source,
        description=describe(article),
        language=article.language,
        outlet=article.outlet,
    )


def describe(article: Article) -> str:
    """What a feed shows under the title: the highlights, else the first paragraph."""
    if article.highlights:
        return " ".join(text if text.endswith((".", "!", "?")) else f"{text}." for text in article.highlights)
    return next(iter(article.paragraphs), "")


def spoken_list(items: list[str]) -> str:
    """ "A", "A and B", "A; B; and C": headlines carry commas of their own."""
    if len(items) <= 2:
        return " and ".join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def build_roundup(articles: list[Article], config: Config, today: date | None = None) -> Script:
    """Several articles as one show: an intro with the headlines ahead, each story after a transition that
    speaks its headline, then the outro. Stories keep their own highlights, body and credits."""
    roundup = config.roundup
    if roundup.order == "newest":
        articles = sorted(articles, key=lambda article: article.iso_date or "", reverse=True)
    titles = [article_title(article) for article in articles]
    day = today or date.today()
    fields = {
        "show": config.show.name,
        "date": f"{day:%A}, {day:%B} {day.day}, {day.year}",
        "headlines": spoken_list(titles),
        "count": str(len(articles)),
    }
    pause = config.pauses.segment
    segments: list[Segment] = []
    intro = roundup.intro.format(**fields).strip()
    if intro:
        segments.append(Segment(SegmentKind.SHOW_INTRO, intro, pause))
    for number, (article, title) in enumerate(zip(articles, titles, strict=True), start=1):
        template = roundup.first if number == 1 else roundup.transition
        segments.append(
            Segment(SegmentKind.TRANSITION, template.format(headline=title, **fields).strip(), pause, story=number)
        )
        story = build_script(article, config)
        segments.extend(
            Segment(s.kind, s.text, s.pause_ms or pause, s.block, story=number)
            for s in story.segments
            if s.kind
            not in (SegmentKind.HEADLINE, SegmentKind.INTRO, SegmentKind.OUTRO)  # the transition speaks the headline
        )
    outro = roundup.outro.format(**fields).strip()
    if outro:
        segments.append(Segment(SegmentKind.SHOW_OUTRO, outro, 0))
    else:
        segments[-1] = Segment(segments[-1].kind, segments[-1].text, 0, segments[-1].block, segments[-1].story)
    return Script(
        title=roundup.title.format(**fields).strip() or config.show.name,
        segments=tuple(segments),
        date=day.isoformat(),
        byline=config.show.name,
        source="\n".join(article.source for article in articles),  # one line per story
        description="In this episode: " + spoken_list(titles) + ".",
        stories=tuple(titles),
        language=languages.pop() if len(languages := {article.language for article in articles}) == 1 else "",
    )


def _body_segments(article: Article, config: Config) -> list[Segment]:
    pauses, settings = config.pauses, config.script
    segments: list[Segment] = []
    blocks = article.blocks
    place = article.dateline if settings.dateline != "off" else ""
    if place and settings.dateline == "segment":
        segments.append(Segment(SegmentKind.BODY, f"{place.rstrip('.')}.", pauses.paragraph, BlockKind.DATELINE))
        place = ""
    for index, block in enumerate(blocks):
        if block.kind == BlockKind.HEADING:
            segments.append(Segment(SegmentKind.HEADING, block.text, pauses.heading))
            continue
        if block.kind == BlockKind.TABLE:
            rows = block.text.split("\n") if settings.tables == "rows" else [settings.table_note]
            segments.extend(
                Segment(SegmentKind.BODY, row.replace(" | ", ", "), pauses.item, BlockKind.TABLE) for row in rows if row
            )
            continue
        next_kind = blocks[index + 1].kind if index + 1 < len(blocks) else None
        pause = pauses.item if block.kind == BlockKind.ITEM and next_kind == BlockKind.ITEM else pauses.paragraph
        text = block.text
        if place and block.kind == BlockKind.PARAGRAPH:
            text, place = f"{place.rstrip('.')}. {text}", ""  # the dateline as a short lead-in to the first paragraph
        segments.append(Segment(SegmentKind.BODY, text, pause, block.kind))
    return segments
