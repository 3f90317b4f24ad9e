"""Samples on their way into an episode: resampled to its rate, levelled to the loudness target under the
true-peak ceiling, faded at the edges. Mono float32 in [-1, 1] throughout."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import soxr

from .loudness import LoudnessMeter, limit
from .models import Clip

SAMPLE_WIDTH = 2  # 16-bit PCM
STEREO_OFFSET_DB = 10 * math.log10(2)  # the same signal in two channels measures 3 dB louder
# Sample peaks are held this far under the true-peak ceiling: room for inter-sample peaks and the MP3 codec.
PEAK_MARGIN_DB = 0.7


@dataclass
class Level:
    """Brings each clip to the loudness target, a limiter keeping its peaks under the ceiling."""

    target: float  # before the encoder: the episode's target less the codec's gain
    ceiling: float
    rate: int
    stereo: bool
    fallback_db: float = 0.0

    def apply(self, samples: np.ndarray, pause_frames: int = 0) -> np.ndarray:
        """Level a clip; the pause after it counts in the measurement, as it will in the episode's."""
        offset = STEREO_OFFSET_DB if self.stereo else 0.0
        meter = LoudnessMeter(self.rate)
        meter.add(samples)
        meter.add(np.zeros(pause_frames, np.float32))  # silence: counted in the blocks, not filtered
        loudness = meter.loudness()
        if math.isinf(loudness):  # silence, or shorter than one 400 ms block: the last clip's gain
            return self._limited(samples, self.fallback_db)
        gain = self.target - offset - loudness
        levelled = self._limited(samples, gain)
        # Limiting took a little loudness away (about its share of the energy); one more step gets it back.
        loss = 10 * math.log10(self._energy(samples, gain) / self._energy(levelled, 0))
        if loss > 0.1:
            gain += loss
            levelled = self._limited(samples, gain)
        self.fallback_db = gain
        return levelled

    def _limited(self, samples: np.ndarray, gain_db: float) -> np.ndarray:
        return limit(samples * np.float32(10 ** (gain_db / 20)), self.rate, self.ceiling - PEAK_MARGIN_DB)

    @staticmethod
    def _energy(samples: np.ndarray, gain_db: float) -> float:
        return float(np.square(samples, dtype=np.float64).sum()) * 10 ** (gain_db / 10) + 1e-20


def to_pcm(samples: np.ndarray) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Mono float samples at another rate, through soxr's band-limited resampler.

    (a plain converter such as audioop.ratecv has no anti-alias filter: a tone above the new Nyquist frequency
    folds back into the audible band.)
    """
    if from_rate == to_rate or not len(samples):
        return samples
    return soxr.resample(samples.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ")


def prepare_clip(clip: Clip, level: Level, fade_ms: int, pause_frames: int) -> np.ndarray:
    """One clip at the episode's rate, levelled, with short fades so joins never click."""
    samples = clip.audio.samples
    if clip.audio.sample_rate != level.rate:
        samples = resample(samples, clip.audio.sample_rate, level.rate)
    levelled = level.apply(samples, pause_frames)  # a new array: faded in place
    fade = min(round(fade_ms * level.rate / 1000), len(levelled) // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        levelled[:fade] *= ramp
        levelled[len(levelled) - fade :] *= ramp[::-1]
    return levelled


def ramp(start: float, end: float, frames: int) -> np.ndarray:
    return np.linspace(start, end, max(frames, 0), dtype=np.float32)


def db(value: float) -> float:
    return 10 ** (value / 20)
