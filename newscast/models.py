"""Plain data passed between the stages (Article -> Script -> Clips -> Episode), and the names they share as
enums (StrEnum: each member is its string, so JSON and comparisons with text are unchanged)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: reading and scripting never load numpy
    import numpy as np


class BlockKind(StrEnum):
    """What a unit of an article body is; a body segment's ``block`` is one of these or ``dateline``."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    ITEM = "item"  # a bulleted-list item
    TABLE = "table"  # its rows, one a line, cells joined by " | "; the script reads or skips it as configured
    DATELINE = "dateline"  # only as a body segment's block: the place name spoken as its own segment


# The reader's names for the block kinds.
PARAGRAPH, HEADING, ITEM, TABLE = BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.ITEM, BlockKind.TABLE


class SegmentKind(StrEnum):
    """What a stretch of the script is; those up to OUTRO are what ``[script] order`` may list."""

    INTRO = "intro"
    HEADLINE = "headline"
    BYLINE = "byline"
    DATE = "date"
    HIGHLIGHTS = "highlights"
    BODY = "body"
    CREDITS = "credits"
    OUTRO = "outro"
    HEADING = "heading"  # a subheading inside the body
    SHOW_INTRO = "show_intro"  # a roundup's own words: its intro, each story's transition, its outro
    TRANSITION = "transition"
    SHOW_OUTRO = "show_outro"


ORDERABLE_KINDS = tuple(SegmentKind)[: list(SegmentKind).index(SegmentKind.OUTRO) + 1]  # what [script] order lists


class Stage(StrEnum):
    """What a progress report is about (see ``pipeline.Progress``)."""

    WARN = "warn"
    ENGINE = "engine"
    SPEAK = "speak"
    ENCODE = "encode"
    WRITE = "write"
    UP_TO_DATE = "up-to-date"  # the episode was already built from the same script and settings


class Status(StrEnum):
    """How an article of a batch, an item or a feed of ``follow`` ended."""

    BUILT = "built"
    SKIPPED = "skipped"
    FAILED = "failed"
    FETCHED = "fetched"  # a feed that was read
    UNCHANGED = "unchanged"  # a feed that answered 304 Not Modified


class SidecarStatus(StrEnum):
    """Whether a transcript or chapters file belongs to its MP3."""

    OK = "ok"
    STALE = "stale"
    MISSING = "missing"


def primary_language(code: str) -> str:
    """ "en-US", "en_GB", "EN" -> "en"; empty stays empty."""
    return code.strip().replace("_", "-").split("-", 1)[0].lower()


@dataclass(frozen=True)
class Block:
    """One unit of an article body: a paragraph, a section subheading or a list item."""

    kind: BlockKind
    text: str


@dataclass(frozen=True)
class Dropped:
    """A unit of the page the reader did not keep, and the rule that dropped it."""

    text: str
    rule: str


# The rule of the text an HTML page holds outside its article (menus, footers, comments), which the extractor,
# not one of the reader's rules, left out.
OUTSIDE_THE_ARTICLE = "outside the article"


@dataclass(frozen=True)
class Article:
    """What a reader found in a page, with the page furniture already thrown away."""

    headline: str
    blocks: tuple[Block, ...]
    byline: str = ""  # the writers' names only ("By" and the outlet removed)
    outlet: str = ""  # the publication the byline named, if it named one
    date: str = ""  # the date line as printed on the page
    iso_date: str = ""  # YYYY-MM-DD when the date line could be parsed
    dateline: str = ""  # place name from "LONDON (CNN)" style openings
    highlights: tuple[str, ...] = ()
    credits: tuple[str, ...] = ()
    source: str = ""  # path or URL it was read from
    dropped: tuple[Dropped, ...] = ()  # every unit of the page not spoken, with the rule that dropped it
    language: str = ""  # ISO 639-1 ("en", "fr"): declared by the page or guessed from the text; "" unknown

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks if block.kind == PARAGRAPH]


@dataclass(frozen=True)
class Segment:
    """One stretch of speech in the script, with the silence that follows it."""

    kind: SegmentKind
    text: str
    pause_ms: int = 0
    block: BlockKind | str = ""  # for body segments: the block it was read from
    story: int = 0  # in a roundup, which story it belongs to (1, 2, ...); 0 for the show's own words

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "text": self.text, "pause_ms": self.pause_ms}
        if self.block:
            data["block"] = self.block
        if self.story:
            data["story"] = self.story
        return data


@dataclass(frozen=True)
class Script:
    """The ordered words of an episode."""

    title: str
    segments: tuple[Segment, ...]
    date: str = ""
    byline: str = ""
    source: str = ""
    description: str = ""  # the highlights or the first paragraph; for a roundup, its headlines
    stories: tuple[str, ...] = ()  # a roundup's headlines, in the order they are read
    language: str = ""  # the article's language (a roundup's when its stories share one); "" unknown
    outlet: str = ""  # the publication the byline named

    def to_dict(self) -> dict:
        data = {
            "title": self.title,
            "date": self.date,
            "byline": self.byline,
            "source": self.source,
            "description": self.description,
            "segments": [segment.to_dict() for segment in self.segments],
        }
        if self.stories:
            data["stories"] = list(self.stories)
        return data

    def to_text(self) -> str:
        return "\n\n".join(segment.text for segment in self.segments) + "\n"


@dataclass(frozen=True)
class Audio:
    """Mono float32 samples in [-1, 1] at a sample rate."""

    samples: np.ndarray
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class Cue:
    """A sentence as written and when it is heard, in seconds (from the clip's or the episode's start)."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Chapter:
    """A part of the episode a listener can skip to."""

    title: str
    start: float
    end: float


@dataclass(frozen=True)
class Clip:
    """A segment and the speech synthesised for it, with each sentence's place in it."""

    segment: Segment
    audio: Audio
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class Part:
    """A segment on its way into the episode: the sentences its cues show, its speech (got only when needed:
    spoken, or read back from the clip cache), and the key of its encoded piece, which the cache may hold."""

    segment: Segment
    sentences: tuple[str, ...]  # as written, one per cue
    speech: Callable[[], Clip]
    piece_key: str = ""  # "": its piece is not kept
    cached: bool = False  # the cache held its piece when the build began


@dataclass(frozen=True)
class Episode:
    """A finished episode on disk."""

    path: Path
    title: str
    duration: float
    engine: str
    segments: int
    timeline: tuple[tuple[float, float], ...] = field(default=())  # (start, end) per segment, s
    loudness: float = float("nan")  # integrated, LUFS
    cues: tuple[Cue, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    audio_id: str = ""  # a checksum of the encoded audio; the sidecars carry it too, tying them to this MP3
    fingerprint: str = ""  # what it was made from (pipeline.build_fingerprint), kept in its tags
    up_to_date: bool = False  # found already built from the same fingerprint, so not built again
