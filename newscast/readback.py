"""An episode read back from disk: its ID3 tags, chapters and sidecars, the one reader `info` and the feed use.

metadata.py writes what this reads; the sidecars are tied to their MP3 by the checksum of its audio, which
both carry (``TXXX:newscast audio`` in the MP3, a ``NOTE`` line in the transcript, ``newscastAudio`` in the
JSON chapters).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mutagen import MutagenError
from mutagen.mp3 import MP3

from .errors import AudioError
from .limits import TooLarge, read_bounded
from .models import Chapter, SidecarStatus

AUDIO_ID = "newscast audio"  # the TXXX frame (and sidecar field) holding the checksum of the encoded audio
FINGERPRINT_TAG = "newscast build"  # TXXX: what the episode was made from, for the up-to-date check


# The text frames newscast writes, by what they hold.
TEXT_FRAMES = {"TIT2": "title", "TPE1": "artist", "TALB": "album", "TDRC": "date", "TCON": "genre",
               "TDES": "description", "TGID": "guid", "TLAN": "language", f"TXXX:{AUDIO_ID}": "audio_id",
               f"TXXX:{FINGERPRINT_TAG}": "fingerprint"}  # fmt: skip


@dataclass(frozen=True)
class StoredEpisode:
    """What an MP3 says about itself. A text field is empty when its frame is not there (``present`` says)."""

    path: Path
    duration: float  # s, from the MP3's header
    bitrate: int  # bit/s
    tagged: bool = False  # it has ID3 tags at all
    title: str = ""
    artist: str = ""  # the byline, else the show
    album: str = ""  # the show
    date: str = ""  # YYYY-MM-DD
    genre: str = ""
    description: str = ""
    guid: str = ""
    language: str = ""
    audio_id: str = ""  # the checksum of the encoded audio its sidecars carry too
    fingerprint: str = ""  # what it was built from (pipeline.build_fingerprint), for the up-to-date check
    present: frozenset[str] = frozenset()  # the names of the fields above whose frame the MP3 has
    source: str | None = None  # the COMM "source" comment (the article's URL or file name), when there is one
    link: str = ""  # the WXXX "source" frame: the article's web address, when it was read from one
    cover: bool = False  # an APIC frame
    chapters: tuple[Chapter, ...] = ()  # in the table of contents' order, else by start
    sidecars: dict[str, SidecarStatus] = field(default_factory=dict)  # transcript, chapters: ok, stale, missing


def read_episode(path: Path) -> StoredEpisode:
    """Read an episode's header, tags, chapters and sidecar status; AudioError if it is not a readable MP3."""
    try:
        audio = MP3(path)
    except (MutagenError, OSError) as error:
        raise AudioError(f"{path} is not a readable MP3: {error}") from None
    duration, bitrate = getattr(audio.info, "length", 0.0), getattr(audio.info, "bitrate", 0)
    tags = audio.tags
    if tags is None:
        return StoredEpisode(path, duration, bitrate)
    text: dict[str, Any] = {name: str(tags[frame].text[0]) for frame, name in TEXT_FRAMES.items() if frame in tags}
    return StoredEpisode(
        path,
        duration,
        bitrate,
        tagged=True,
        **text,
        present=frozenset(text),
        source=next((str(frame.text[0]) for frame in reversed(tags.getall("COMM"))), None),
        link=next((str(frame.url) for frame in tags.getall("WXXX") if frame.desc == "source"), ""),
        cover=bool(tags.getall("APIC")),
        chapters=_chapters(tags),
        sidecars=sidecar_status(path, text.get("audio_id", "")),
    )


def stored_guid(mp3: Path) -> str | None:
    """The guid an existing episode carries, or None when it has none (or is not an MP3 at all). Reads the ID3
    tag alone: naming asks this of every existing output, before any up-to-date check reads the whole episode."""
    from mutagen.id3 import ID3

    try:
        frame = ID3(mp3).get("TGID")
    except (MutagenError, OSError):
        return None
    return str(frame.text[0]) if frame is not None and frame.text and str(frame.text[0]) else None


def _chapters(tags) -> tuple[Chapter, ...]:
    order = [child for toc in tags.getall("CTOC") for child in toc.child_element_ids]
    frames = {frame.element_id: frame for frame in tags.getall("CHAP")}
    chapters = []
    for element_id in order or sorted(frames, key=lambda key: frames[key].start_time):
        frame = frames[element_id]
        title = frame.sub_frames.get("TIT2")
        name = str(title.text[0]) if title else element_id
        chapters.append(Chapter(name, frame.start_time / 1000, frame.end_time / 1000))
    return tuple(chapters)


def sidecar_paths(mp3: Path) -> tuple[Path, Path]:
    """``OUT.vtt`` and ``OUT.chapters.json`` beside ``OUT.mp3``."""
    return mp3.with_suffix(".vtt"), mp3.with_suffix(".chapters.json")


def sidecar_status(mp3: Path, audio_id: str) -> dict[str, SidecarStatus]:
    """Whether each sidecar belongs to this MP3: ok, stale (from another build: a build killed between
    renaming the sidecars and the MP3, or a file copied over) or missing. An MP3 from before sidecars were
    tied to it (no audio id) trusts the sidecars beside it."""
    transcript, chapters = sidecar_paths(mp3)
    status: dict[str, SidecarStatus] = {}
    for name, path, read in (("transcript", transcript, _vtt_audio_id), ("chapters", chapters, _json_audio_id)):
        if not path.is_file():
            status[name] = SidecarStatus.MISSING
            continue
        try:
            found = read(path)
        except (OSError, TooLarge, ValueError):
            found = None
        status[name] = SidecarStatus.OK if not audio_id or found == audio_id else SidecarStatus.STALE
    return status


def _vtt_audio_id(path: Path) -> str | None:
    with path.open("rb") as file:
        head = file.read(4096).decode("utf-8", "replace")
    for line in head.splitlines()[:8]:
        if line.startswith(f"NOTE {AUDIO_ID} "):
            return line.removeprefix(f"NOTE {AUDIO_ID} ").strip()
    return None


def _json_audio_id(path: Path) -> str | None:
    data = json.loads(read_bounded(path, 16 * 2**20))
    return data.get("newscastAudio") if isinstance(data, dict) else None


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
    sidecars: dict[str, SidecarStatus] = field(default_factory=dict)  # transcript, chapters: ok, stale or missing

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("loudness", "true_peak"):
            data[key] = None if math.isinf(data[key]) else round(data[key], 2)
        data["duration"] = round(self.duration, 3)
        return data


INFO_TAGS = ("title", "artist", "album", "date", "genre")  # the tags `info` shows, in this order


def read_info(path: Path) -> EpisodeInfo:
    """Read an episode back and measure it: stream details, loudness and true peak, tags, chapters."""
    import soundfile

    from .loudness import integrated_loudness, true_peak_db

    stored = read_episode(path)
    try:
        samples, rate = soundfile.read(path, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, OSError) as error:
        raise AudioError(f"cannot decode {path}: {error}") from None
    channels = samples.shape[1]
    info = EpisodeInfo(
        path=str(path),
        duration=len(samples) / rate,
        bitrate=stored.bitrate,
        sample_rate=rate,
        channels=channels,
        loudness=integrated_loudness(samples, rate),
        true_peak=max(true_peak_db(samples[:, channel]) for channel in range(channels)),
    )
    if not stored.tagged:
        return info
    info.tags = {name: getattr(stored, name) for name in INFO_TAGS if name in stored.present}
    if stored.source is not None:
        info.tags["source"] = stored.source
    info.cover = stored.cover
    info.sidecars = stored.sidecars
    info.chapters = [{"title": c.title, "start": c.start, "end": c.end} for c in stored.chapters]
    return info
