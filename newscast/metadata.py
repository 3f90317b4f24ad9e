"""What a podcast app reads besides the audio: ID3 tags and chapters, the WebVTT transcript, JSON chapters.

Everything here is derived from the Script and the Episode's timeline, so it is exact to the assembled audio;
``read_info`` reads it all back from an MP3, which is what `newscast info` prints.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDES,
    TDRC,
    TGID,
    TIT2,
    TPE1,
    TXXX,
    WXXX,
    CTOCFlags,
    ID3NoHeaderError,
)  # fmt: skip
from mutagen.mp3 import MP3

from .config import Config
from .errors import AudioError
from .files import write_atomically
from .models import Chapter, Cue, Episode, Script

# The chapter each kind of segment belongs to; None: the opening, titled with the headline.
_CHAPTER_OF_KIND = {"intro": None, "headline": None, "byline": None, "date": None, "show_intro": None,
                    "highlights": "Highlights", "credits": "Credits", "outro": "Outro",
                    "show_outro": "Outro"}  # fmt: skip


FINGERPRINT_TAG = "newscast build"  # TXXX: what the episode was made from, for the up-to-date check


def chapters_for(script: Script, part_starts: list[float], duration: float) -> tuple[Chapter, ...]:
    """One chapter per part a listener would skip to. A story: the opening (titled with the headline), the
    highlights, the story, each of its sections (a subheading starts one), the credits. A roundup: the show's
    intro, each story (titled with its headline) and the sections inside it, the outro. Each chapter ends where
    the next begins; the first starts at 0, so music before the first words belongs to it. ``part_starts``:
    where each segment's part of the audio begins."""
    starts: list[tuple[str, float]] = []
    group = ""
    for segment, start in zip(script.segments, part_starts, strict=True):
        if segment.kind == "heading":
            title, part = segment.text, "section"
        elif segment.kind == "transition":
            title, part = script.stories[segment.story - 1], f"story {segment.story}"
        elif script.stories and segment.kind not in ("show_intro", "show_outro"):
            continue  # inside a roundup's story, only its sections are chapters of their own
        elif segment.kind == "body":
            if group in ("story", "section"):
                continue  # paragraphs go on in the story or in the section their subheading opened
            title, part = "Story", "story"
        else:
            named = _CHAPTER_OF_KIND.get(segment.kind)
            title, part = (named, segment.kind) if named else (script.title, "opening")
            if part == group:
                continue
        starts.append((title, start))
        group = part
    if not starts:
        return ()
    starts[0] = (starts[0][0], 0.0)
    ends = [start for _, start in starts[1:]] + [duration]
    return tuple(Chapter(title, start, end) for (title, start), end in zip(starts, ends, strict=True))


def default_cover() -> bytes:
    return resources.files("newscast").joinpath("cover.png").read_bytes()


def cover_art(config: Config) -> tuple[bytes, str]:
    """The show's cover from the config, else the bundled one: (image bytes, MIME type)."""
    if not config.show.cover:
        return default_cover(), "image/png"
    path = Path(config.show.cover)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise AudioError(f"cannot read the cover image {path}: {error.strerror or error}") from None
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg" if data.startswith(b"\xff\xd8") else ""
    if not mime:
        raise AudioError(f"the cover image {path} is neither PNG nor JPEG")
    return data, mime


def episode_guid(script: Script) -> str:
    """Stable across rebuilds of the same article (or the same roundup on the same day): the feed's item guid."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"newscast:{script.source or script.title}:{script.date}"))


def write_tags(path: Path, script: Script, episode: Episode, config: Config) -> None:
    """ID3v2.3: title, artist, album, date, source, cover, and chapters with a table of contents."""
    tags = ID3()
    tags.add(TIT2(encoding=3, text=script.title))
    tags.add(TPE1(encoding=3, text=script.byline.removeprefix("By ").strip() or config.show.name))
    tags.add(TALB(encoding=3, text=config.show.name))
    tags.add(TCON(encoding=3, text="Podcast"))
    if script.date:
        tags.add(TDRC(encoding=3, text=script.date))
    if script.source:
        tags.add(COMM(encoding=3, lang="eng", desc="source", text=script.source))
        if script.source.startswith(("http://", "https://")):
            tags.add(WXXX(encoding=3, desc="source", url=script.source))
    if script.description:
        tags.add(TDES(encoding=3, text=script.description))
    tags.add(TGID(encoding=3, text=episode_guid(script)))
    if episode.fingerprint:
        tags.add(TXXX(encoding=3, desc=FINGERPRINT_TAG, text=episode.fingerprint))
    image, mime = cover_art(config)
    tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=image))
    ids = [f"chp{number}" for number in range(len(episode.chapters))]
    for element_id, chapter in zip(ids, episode.chapters, strict=True):
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=round(chapter.start * 1000),
                end_time=round(chapter.end * 1000),
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    if ids:
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Chapters")],
            )
        )
    tags.save(path, v2_version=3)


def _timestamp(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def webvtt(cues: tuple[Cue, ...]) -> str:
    """A WebVTT transcript: one cue per sentence, as the article wrote it."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        text = cue.text.replace("-->", "\u2192").replace("\n", " ")
        blocks.append(f"{number}\n{_timestamp(cue.start)} --> {_timestamp(cue.end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def json_chapters(episode: Episode) -> dict:
    """The Podcasting 2.0 JSON chapters format (version 1.2.0)."""
    return {
        "version": "1.2.0",
        "title": episode.title,
        "chapters": [
            {"startTime": round(chapter.start, 3), "endTime": round(chapter.end, 3), "title": chapter.title}
            for chapter in episode.chapters
        ],
    }


def sidecar_paths(mp3: Path) -> tuple[Path, Path]:
    """``OUT.vtt`` and ``OUT.chapters.json`` beside ``OUT.mp3``."""
    return mp3.with_suffix(".vtt"), mp3.with_suffix(".chapters.json")


def write_sidecars(mp3: Path, episode: Episode) -> None:
    transcript, chapters = sidecar_paths(mp3)
    write_atomically(transcript, webvtt(episode.cues))
    write_atomically(chapters, json.dumps(json_chapters(episode), indent=2, ensure_ascii=False) + "\n")


@dataclass
class EpisodeInfo:
    """What `newscast info` reports about an MP3."""

    path: str
    duration: float
    bitrate: int
    sample_rate: int
    channels: int
    loudness: float
    true_peak: float
    tags: dict[str, str] = field(default_factory=dict)
    chapters: list[dict] = field(default_factory=list)
    cover: bool = False

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("loudness", "true_peak"):
            data[key] = None if math.isinf(data[key]) else round(data[key], 2)
        data["duration"] = round(self.duration, 3)
        return data


_TAG_NAMES = {"TIT2": "title", "TPE1": "artist", "TALB": "album", "TDRC": "date", "TCON": "genre"}


def read_info(path: Path) -> EpisodeInfo:
    """Read an episode back: stream details, measured loudness and true peak, tags, chapters."""
    import soundfile

    from .loudness import integrated_loudness, true_peak_db

    try:
        audio = MP3(path)
    except (MutagenError, OSError) as error:
        raise AudioError(f"{path} is not a readable MP3: {error}") from None
    try:
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, OSError) as error:
        raise AudioError(f"cannot decode {path}: {error}") from None
    channels = samples.shape[1]
    loudness = integrated_loudness(samples, rate)
    info = EpisodeInfo(
        path=str(path),
        duration=len(samples) / rate,
        bitrate=audio.info.bitrate,
        sample_rate=rate,
        channels=channels,
        loudness=loudness,
        true_peak=max(true_peak_db(samples[:, channel]) for channel in range(channels)),
    )
    try:
        tags = ID3(path)
    except ID3NoHeaderError:
        return info
    info.tags = {name: str(tags[frame].text[0]) for frame, name in _TAG_NAMES.items() if frame in tags}
    for frame in tags.getall("COMM"):
        info.tags["source"] = str(frame.text[0])
    info.cover = bool(tags.getall("APIC"))
    order = [child for toc in tags.getall("CTOC") for child in toc.child_element_ids]
    chapters = {frame.element_id: frame for frame in tags.getall("CHAP")}
    for element_id in order or sorted(chapters, key=lambda key: chapters[key].start_time):
        chapter = chapters[element_id]
        title = chapter.sub_frames.get("TIT2")
        info.chapters.append(
            {
                "title": str(title.text[0]) if title else element_id,
                "start": chapter.start_time / 1000,
                "end": chapter.end_time / 1000,
            }
        )
    return info
