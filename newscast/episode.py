"""Clips -> one MP3: pydub assembly in a single pass, loudness, ID3 tags, written atomically."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
import warnings
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import numpy as np
import soundfile
from mutagen.id3 import COMM, ID3, TALB, TCON, TDRC, TIT2, TPE1, WXXX

from .config import Config
from .errors import AudioError
from .models import Clip, Episode, Script

with warnings.catch_warnings():
    # pydub looks for ffmpeg on import; it only ever handles raw PCM here, so the warning is noise.
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.11 and 3.12
    from pydub import AudioSegment, effects

SAMPLE_WIDTH = 2  # 16-bit PCM
HEADROOM_DB = 1.0


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "episode"


def default_output_path(script: Script, config: Config) -> Path:
    """``audio/<date>-<slug>.mp3``: the article's date, else today's."""
    day = script.date or date.today().isoformat()
    return Path(config.output.directory) / f"{day}-{slugify(script.title)}.mp3"


def _to_segment(clip: Clip, frame_rate: int, fade_ms: int) -> AudioSegment:
    pcm = (np.clip(clip.audio.samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    segment = AudioSegment(data=pcm, sample_width=SAMPLE_WIDTH, frame_rate=clip.audio.sample_rate, channels=1)
    if segment.frame_rate != frame_rate:
        segment = segment.set_frame_rate(frame_rate)
    fade = min(fade_ms, len(segment) // 2)
    return segment.fade_in(fade).fade_out(fade) if fade > 0 else segment


def assemble(clips: list[Clip], config: Config) -> tuple[AudioSegment, tuple[tuple[float, float], ...]]:
    """Join clips and their pauses in one pass (pydub's ``+`` in a loop copies the episode each time)."""
    if not clips:
        raise AudioError("nothing to assemble: the script has no segments")
    frame_rate = max(clip.audio.sample_rate for clip in clips)
    parts: list[bytes] = []
    timeline: list[tuple[float, float]] = []
    frames = 0
    for clip in clips:
        data = _to_segment(clip, frame_rate, config.pauses.fade).raw_data
        start = frames
        frames += len(data) // SAMPLE_WIDTH
        timeline.append((start / frame_rate, frames / frame_rate))
        parts.append(data)
        silence = round(clip.segment.pause_ms * frame_rate / 1000)
        parts.append(bytes(silence * SAMPLE_WIDTH))
        frames += silence
    audio = AudioSegment(data=b"".join(parts), sample_width=SAMPLE_WIDTH, frame_rate=frame_rate, channels=1)
    if audio.max > 0:
        audio = effects.normalize(audio, headroom=HEADROOM_DB)
    return audio, tuple(timeline)


def _compression_level(bitrate: int, frame_rate: int) -> tuple[float, int]:
    """libsndfile maps a 0..1 compression level linearly onto LAME's bitrate range."""
    low, high = (32, 320) if frame_rate >= 32000 else (8, 160)
    bitrate = min(bitrate, high)
    return (high - bitrate) / (high - low), bitrate


@contextmanager
def atomic_output(path: Path):
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AudioError(f"cannot create output folder {path.parent}: {error.strerror or error}") from None
    if path.is_dir():
        raise AudioError(f"output path {path} is a directory; give a file name such as {path / 'episode.mp3'}")
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise AudioError(f"cannot write to {path.parent}: {error.strerror or error}") from None
    os.close(handle)
    temporary = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    temporary.chmod(0o666 & ~umask)  # mkstemp makes 0600; the episode should be as readable as any new file
    try:
        yield temporary
        os.replace(temporary, path)
    except OSError as error:
        raise AudioError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)


def write_mp3(audio: AudioSegment, path: Path, bitrate: int) -> None:
    samples = np.frombuffer(audio.raw_data, dtype="<i2")
    level, _ = _compression_level(bitrate, audio.frame_rate)
    try:
        soundfile.write(
            path,
            samples,
            audio.frame_rate,
            format="MP3",
            subtype="MPEG_LAYER_III",
            compression_level=level,
            bitrate_mode="CONSTANT",
        )
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioError(f"MP3 encoding failed: {error}") from error


def write_tags(path: Path, script: Script, config: Config) -> None:
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
    tags.save(path, v2_version=3)


def write_episode(script: Script, clips: list[Clip], output: Path, config: Config, engine: str) -> Episode:
    """Assemble, encode and tag; the MP3 appears at ``output`` complete or not at all."""
    audio, timeline = assemble(clips, config)
    with atomic_output(output) as temporary:
        write_mp3(audio, temporary, config.output.bitrate)
        write_tags(temporary, script, config)
    return Episode(
        path=output,
        title=script.title,
        duration=len(audio.raw_data) / SAMPLE_WIDTH / audio.frame_rate,
        engine=engine,
        segments=len(clips),
        timeline=timeline,
    )
