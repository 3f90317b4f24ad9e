"""Clips -> one MP3: levelled, faded and joined as they arrive, then normalised and encoded in one pass.

Each clip is brought to the loudness target on its own (ITU-R BS.1770) so the episode is level from start
to end; the joined episode is then measured whole and given the one gain that lands it on the target, under
a true-peak limiter, while it is encoded. Nothing is concatenated twice: clips are kept as a list of PCM
pieces, so memory stays near the size of the episode's 16-bit PCM.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import soundfile
from mutagen.id3 import COMM, ID3, TALB, TCON, TDRC, TIT2, TPE1, WXXX

from .config import Config
from .errors import AudioError
from .loudness import LoudnessMeter, integrated_loudness, limit
from .models import Clip, Episode, Script

with warnings.catch_warnings():
    # pydub looks for ffmpeg on import; it only ever handles raw PCM here, so the warning is noise.
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.11 and 3.12
    from pydub import AudioSegment

SAMPLE_WIDTH = 2  # 16-bit PCM
STEREO_OFFSET_DB = 10 * math.log10(2)  # the same signal in two channels measures 3 dB louder


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "episode"


def default_output_path(script: Script, config: Config) -> Path:
    """``audio/<date>-<slug>.mp3``: the article's date, else today's."""
    day = script.date or date.today().isoformat()
    return Path(config.output.directory) / f"{day}-{slugify(script.title)}.mp3"


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only if the block succeeds."""
    if path.is_dir():
        raise AudioError(f"output path {path} is a directory; give a file name such as {path / 'episode.mp3'}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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


def _compression_level(bitrate: int, frame_rate: int) -> float:
    """libsndfile maps a 0..1 compression level linearly onto LAME's bitrate range for the sample rate."""
    low, high = (32, 320) if frame_rate >= 32000 else (8, 160)
    return (high - min(bitrate, high)) / (high - low)


def open_mp3(path: Path | io.BytesIO, frame_rate: int, channels: int, bitrate: int) -> soundfile.SoundFile:
    try:
        return soundfile.SoundFile(
            path, "w", frame_rate, channels, format="MP3", subtype="MPEG_LAYER_III",
            compression_level=_compression_level(bitrate, frame_rate), bitrate_mode="CONSTANT",
        )  # fmt: skip
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioError(f"cannot start the MP3 encoder: {error}") from error


@cache
def codec_gain_db(frame_rate: int, channels: int, bitrate: int) -> float:
    """How much the encoder changes the level, measured once per setting on a three-tone probe.

    LAME scales its input (by 0.95, -0.45 dB, with libsndfile's settings; more where it resamples), so the
    levels are aimed that much higher before encoding to land on the target in the file a listener plays.
    """
    frequencies = (250, 500, 1000)
    times = np.arange(frame_rate) / frame_rate
    probe = sum(0.05 * np.sin(2 * np.pi * frequency * times) for frequency in frequencies)
    buffer = io.BytesIO()
    with open_mp3(buffer, frame_rate, channels, bitrate) as encoder:
        encoder.write(np.repeat(probe[:, None], channels, axis=1).astype(np.float32))
    buffer.seek(0)
    decoded, _ = soundfile.read(buffer, dtype="float32", always_2d=True)
    before = np.abs(np.fft.rfft(probe))[list(frequencies)]
    after = np.abs(np.fft.rfft(decoded[:frame_rate, 0], frame_rate))[list(frequencies)]
    return float(20 * np.log10(np.mean(after / before)))


# Sample peaks are held this far under the true-peak ceiling: room for inter-sample peaks and the MP3 codec.
PEAK_MARGIN_DB = 0.7


@dataclass
class _Level:
    """Brings each clip to the loudness target, a limiter keeping its peaks under the ceiling."""

    target: float  # before the encoder: the episode's target less the codec's gain
    ceiling: float
    rate: int
    stereo: bool
    fallback_db: float = 0.0

    def apply(self, samples: np.ndarray) -> np.ndarray:
        offset = STEREO_OFFSET_DB if self.stereo else 0.0
        loudness = integrated_loudness(samples, self.rate)
        # silence, or shorter than one 400 ms block, takes the last clip's gain
        gain = self.fallback_db if math.isinf(loudness) else self.target - offset - loudness
        levelled = self._limited(samples, gain)
        if not math.isinf(loudness):
            # Limiting takes a little loudness away; one more step gets it back.
            after = integrated_loudness(levelled, self.rate) + offset
            if not math.isinf(after) and abs(self.target - after) > 0.1:
                gain += self.target - after
                levelled = self._limited(samples, gain)
            self.fallback_db = gain
        return levelled

    def _limited(self, samples: np.ndarray, gain_db: float) -> np.ndarray:
        return limit(samples * np.float32(10 ** (gain_db / 20)), self.rate, self.ceiling - PEAK_MARGIN_DB)


def _to_pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def prepare_clip(clip: Clip, level: _Level, channels: int, fade_ms: int) -> AudioSegment:
    """One clip at the episode's rate and channels, levelled, with short fades so joins never click."""
    audio = clip.audio
    segment = AudioSegment(data=_to_pcm(audio.samples), sample_width=SAMPLE_WIDTH,
                           frame_rate=audio.sample_rate, channels=1)  # fmt: skip
    if segment.frame_rate != level.rate:
        segment = segment.set_frame_rate(level.rate)
    samples = np.frombuffer(segment.raw_data, dtype="<i2").astype(np.float32) / 32767
    segment = AudioSegment(data=_to_pcm(level.apply(samples)), sample_width=SAMPLE_WIDTH,
                           frame_rate=level.rate, channels=1)  # fmt: skip
    fade = min(fade_ms, len(segment) // 2)
    if fade > 0:
        segment = segment.fade_in(fade).fade_out(fade)
    return segment.set_channels(channels) if channels != 1 else segment


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


def write_episode(script: Script, clips: Iterable[Clip], output: Path, config: Config, engine: str) -> Episode:
    """Level and join clips as they arrive, then bring the whole to the target and encode it in one pass.

    The MP3 appears at ``output`` complete or not at all.
    """
    settings = config.output
    channels = 2 if settings.stereo else 1
    timeline: list[tuple[float, float]] = []
    pieces: list[bytes] = []
    frames = 0
    frame_rate = settings.sample_rate
    level: _Level | None = None
    for clip in clips:
        if level is None:
            frame_rate = frame_rate or clip.audio.sample_rate
            codec_db = codec_gain_db(frame_rate, channels, settings.bitrate)
            level = _Level(settings.loudness - codec_db, settings.true_peak - codec_db, frame_rate, channels == 2)
            meter = LoudnessMeter(frame_rate)
        segment = prepare_clip(clip, level, channels, config.pauses.fade)
        silence = bytes(round(clip.segment.pause_ms * frame_rate / 1000) * SAMPLE_WIDTH * channels)
        start = frames
        frames += len(segment.raw_data) // (SAMPLE_WIDTH * channels)
        timeline.append((start / frame_rate, frames / frame_rate))
        frames += len(silence) // (SAMPLE_WIDTH * channels)
        for data in (segment.raw_data, silence):
            pieces.append(data)
            meter.add(_first_channel(data, channels))
    if level is None:
        raise AudioError("nothing to assemble: the script has no segments")
    # Pauses and clip edges make the whole measure a little under its clips: one gain for all makes it up.
    offset = (STEREO_OFFSET_DB if channels == 2 else 0.0) + codec_db
    loudness = meter.loudness() + offset
    gain_db = 0.0 if math.isinf(loudness) else settings.loudness - loudness
    written = LoudnessMeter(frame_rate)
    with atomic_output(output) as temporary:
        with open_mp3(temporary, frame_rate, channels, settings.bitrate) as encoder:
            for data in pieces:
                mono = limit(_first_channel(data, channels) * np.float32(10 ** (gain_db / 20)), frame_rate,
                             level.ceiling - PEAK_MARGIN_DB)  # fmt: skip
                written.add(mono)
                pcm = _to_pcm(mono)
                encoder.buffer_write(pcm if channels == 1 else _interleave(pcm, channels), dtype="int16")
        write_tags(temporary, script, config)
    return Episode(
        path=output,
        title=script.title,
        duration=frames / frame_rate,
        engine=engine,
        segments=len(timeline),
        timeline=tuple(timeline),
        loudness=written.loudness() + offset,
    )


def _interleave(pcm: bytes, channels: int) -> bytes:
    return np.repeat(np.frombuffer(pcm, dtype="<i2"), channels).tobytes()


def _first_channel(pcm: bytes, channels: int) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2")[::channels].astype(np.float32) / 32767
