"""What a podcast app reads besides the audio: ID3 tags and chapters, the WebVTT transcript, JSON chapters.

Everything here is derived from the Script and the Episode's timeline, so it is exact to the assembled audio;
readback.py reads it all back.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from importlib import resources
from pathlib import Path

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
    TLAN,
    TPE1,
    TXXX,
    WXXX,
    CTOCFlags,
)  # fmt: skip

from .config import Config
from .errors import AudioError
from .files import write_atomically
from .limits import TooLarge, read_bounded
from .models import Chapter, Cue, Episode, Script, SegmentKind
from .readback import AUDIO_ID, FINGERPRINT_TAG, sidecar_paths
from .readback import read_info as read_info  # its old home here; callers and tests import it from here too
from .readback import stored_guid as stored_guid

# The chapter each kind of segment belongs to; None: the opening, titled with the headline.
_CHAPTER_OF_KIND = {SegmentKind.HIGHLIGHTS: "Highlights", SegmentKind.CREDITS: "Credits",
                    SegmentKind.OUTRO: "Outro", SegmentKind.SHOW_OUTRO: "Outro"}  # fmt: skip


def chapters_for(script: Script, part_starts: list[float], duration: float) -> tuple[Chapter, ...]:
    """One chapter per part a listener would skip to. A story: the opening (titled with the headline), the
    highlights, the story, each of its sections (a subheading starts one), the credits. A roundup: the show's
    intro, each story (titled with its headline) and the sections inside it, the outro. Each chapter ends where
    the next begins; the first starts at 0, so music before the first words belongs to it. ``part_starts``:
    where each segment's part of the audio begins."""
    starts: list[tuple[str, float]] = []
    group = ""
    for segment, start in zip(script.segments, part_starts, strict=True):
        if segment.kind == SegmentKind.HEADING:
            title, part = segment.text, "section"
        elif segment.kind == SegmentKind.TRANSITION:
            title, part = script.stories[segment.story - 1], f"story {segment.story}"
        elif script.stories and segment.kind not in (SegmentKind.SHOW_INTRO, SegmentKind.SHOW_OUTRO):
            continue  # inside a roundup's story, only its sections are chapters of their own
        elif segment.kind == SegmentKind.BODY:
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


MAX_COVER_BYTES = 20 * 2**20


def default_cover() -> bytes:
    return resources.files("newscast").joinpath("cover.png").read_bytes()


def cover_art(config: Config) -> tuple[bytes, str]:
    """The show's cover from the config, else the bundled one: (image bytes, MIME type)."""
    if not config.show.cover:
        return default_cover(), "image/png"
    path = Path(config.show.cover)
    try:
        data = read_bounded(path, MAX_COVER_BYTES)
    except TooLarge:
        raise AudioError(f"the cover image {path} is over {MAX_COVER_BYTES // 2**20} MB") from None
    except OSError as error:
        raise AudioError(f"cannot read the cover image {path}: {error.strerror or error}") from None
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg" if data.startswith(b"\xff\xd8") else ""
    if not mime:
        raise AudioError(f"the cover image {path} is neither PNG nor JPEG")
    return data, mime


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def episode_guid(script: Script) -> str:
    """The feed's item guid: the article's URL when it has one, else what the article says (headline, date,
    byline, summary), never how its path was typed. Stable across rebuilds of the same article (or the same
    roundup on the same day); different for different articles, stdin ones included."""
    sources = script.source.splitlines()
    if sources and all(_is_url(source) for source in sources):
        identity = "\n".join(sources)
    else:
        content = "\n".join((script.title, script.date, script.byline, script.description, *script.stories))
        identity = "content:" + hashlib.sha256(content.encode()).hexdigest()
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"newscast:{identity}:{script.date}"))


def public_source(source: str) -> str:
    """What the tags may say about where an article came from: its URL, else its file name (no local path)."""
    return " ".join(line if _is_url(line) or line == "stdin" else Path(line).name for line in source.splitlines())


def write_tags(path: Path, script: Script, episode: Episode, config: Config) -> None:
    """ID3v2.3: title, artist, album, date, source, cover, and chapters with a table of contents."""
    tags = ID3()
    tags.add(TIT2(encoding=3, text=script.title))
    tags.add(TPE1(encoding=3, text=script.byline or config.show.name))
    tags.add(TALB(encoding=3, text=config.show.name))
    tags.add(TCON(encoding=3, text="Podcast"))
    if script.date:
        tags.add(TDRC(encoding=3, text=script.date))
    tags.add(TLAN(encoding=3, text=script.language or config.speech.language))
    if script.source:
        tags.add(COMM(encoding=3, lang="eng", desc="source", text=public_source(script.source)))
        if _is_url(script.source):
            tags.add(WXXX(encoding=3, desc="source", url=script.source))
    if script.description:
        tags.add(TDES(encoding=3, text=script.description))
    tags.add(TGID(encoding=3, text=episode_guid(script)))
    if episode.audio_id:
        tags.add(TXXX(encoding=3, desc=AUDIO_ID, text=episode.audio_id))
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
    _chapters_in_time_order(path)


def _chapters_in_time_order(path: Path) -> None:
    """Put the CHAP frames in time order inside the tag, in the places they already take.

    mutagen writes frames by size (smallest first), so chapters came out scrambled; players that read CHAP
    frames in file order (ffprobe among them) then list them scrambled. The tag keeps its size, so the audio
    after it does not move.
    """
    with path.open("r+b") as handle:
        header = handle.read(10)
        if header[:3] != b"ID3" or header[3] != 3 or header[5] & 0xC0:  # v2.3 with no unsync or extended header
            return
        size = int.from_bytes(bytes(byte & 0x7F for byte in header[6:10]), "big")  # synchsafe: 7 bits a byte
        body = handle.read(size)
        frames, position = [], 0
        while position + 10 <= len(body) and body[position] != 0:
            length = int.from_bytes(body[position + 4 : position + 8], "big")
            frames.append(body[position : position + 10 + length])
            position += 10 + length

        def start(frame: bytes) -> int:
            data = frame[10:]
            end_of_id = data.index(b"\0")
            return int.from_bytes(data[end_of_id + 1 : end_of_id + 5], "big")

        ordered = iter(sorted((frame for frame in frames if frame[:4] == b"CHAP"), key=start))
        rewritten = b"".join(next(ordered) if frame[:4] == b"CHAP" else frame for frame in frames)
        handle.seek(10)
        handle.write(rewritten)


def _timestamp(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def webvtt(cues: tuple[Cue, ...], audio_id: str = "") -> str:
    """A WebVTT transcript: one cue per sentence, as the article wrote it; a NOTE ties it to its MP3."""
    blocks = ["WEBVTT"]
    if audio_id:
        blocks.append(f"NOTE {AUDIO_ID} {audio_id}")
    for number, cue in enumerate(cues, start=1):
        text = cue.text.replace("-->", "\u2192").replace("\n", " ")
        blocks.append(f"{number}\n{_timestamp(cue.start)} --> {_timestamp(cue.end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def json_chapters(episode: Episode) -> dict:
    """The Podcasting 2.0 JSON chapters format (version 1.2.0)."""
    return {
        "version": "1.2.0",
        "title": episode.title,
        "fileName": episode.path.name,
        **({"newscastAudio": episode.audio_id} if episode.audio_id else {}),
        "chapters": [
            {"startTime": round(chapter.start, 3), "endTime": round(chapter.end, 3), "title": chapter.title}
            for chapter in episode.chapters
        ],
    }


def write_sidecars(mp3: Path, episode: Episode) -> None:
    transcript, chapters = sidecar_paths(mp3)
    write_atomically(transcript, webvtt(episode.cues, episode.audio_id))
    write_atomically(chapters, json.dumps(json_chapters(episode), indent=2, ensure_ascii=False) + "\n")
