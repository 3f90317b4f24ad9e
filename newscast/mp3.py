"""MP3 encoding through the libsndfile inside the soundfile wheel (LAME, no ffmpeg): the encoder, what it does
to the level, and a checksum of what it wrote."""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

import numpy as np
import soundfile

from .errors import AudioError


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
    probe = np.sum([0.05 * np.sin(2 * np.pi * frequency * times) for frequency in frequencies], axis=0)
    buffer = io.BytesIO()
    try:
        with open_mp3(buffer, frame_rate, channels, bitrate) as encoder:
            encoder.write(np.repeat(probe[:, None], channels, axis=1).astype(np.float32))
        buffer.seek(0)
        decoded, _ = soundfile.read(buffer, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as error:  # the encoder itself failing: a clean error too
        raise AudioError(f"encoding the MP3 failed: {error}") from error
    before = np.abs(np.fft.rfft(probe))[list(frequencies)]
    after = np.abs(np.fft.rfft(decoded[:frame_rate, 0], frame_rate))[list(frequencies)]
    return float(20 * np.log10(np.mean(after / before)))


def audio_checksum(path: Path) -> str:
    """A checksum of the encoded audio (before tags): the sidecars carry it, to tell whose they are."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]
