"""Samples on their way into an episode: resampled to its rate, levelled to the loudness target under the
true-peak ceiling, faded at the edges. Mono float32 in [-1, 1] throughout."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import soxr

from .gating import ABSOLUTE_GATE
from .loudness import clip_loudness, limit
from .models import Clip

# Sample peaks are held this far under the true-peak ceiling: room for inter-sample peaks and the MP3 codec.
PEAK_MARGIN_DB = 0.7


@dataclass(frozen=True)
class Level:
    """Brings a clip to the loudness target on its own, a limiter keeping its peaks under the ceiling.

    The clip alone decides its gain (not its neighbours, nor the pause after it), so its encoded piece fits any
    place in any episode: it is measured as the episode's meter will count it between pauses
    (loudness.clip_loudness); silence (nothing above the absolute gate) keeps its level.
    """

    target: float  # LUFS of one channel before the encoder: the episode's target less the codec's gain
    ceiling: float
    rate: int

    def apply(self, samples: np.ndarray) -> tuple[np.ndarray, list[float]]:
        """The levelled clip (a new array), and its K-weighted energy per 100 ms step."""
        loudness, energies = clip_loudness(samples, self.rate)
        if not loudness > ABSOLUTE_GATE:
            return self._limited(samples, 0.0), energies
        gain = self.target - loudness
        levelled = self._limited(samples, gain)
        # Limiting took a little loudness away (about its share of the energy); one more step gets it back.
        loss = 10 * math.log10(self._energy(samples, gain) / self._energy(levelled, 0))
        if loss > 0.1:
            levelled = self._limited(samples, gain + loss)
        scale = 10 ** (gain / 10)  # the energy the corrected gain restores
        return levelled, [energy * scale for energy in energies]

    def _limited(self, samples: np.ndarray, gain_db: float) -> np.ndarray:
        return limit(samples * np.float32(10 ** (gain_db / 20)), self.rate, self.ceiling - PEAK_MARGIN_DB)

    @staticmethod
    def _energy(samples: np.ndarray, gain_db: float) -> float:
        return float(np.square(samples, dtype=np.float64).sum()) * 10 ** (gain_db / 10) + 1e-20


@dataclass(frozen=True)
class Speech:
    """A segment's speech made ready for an episode: at its rate, levelled alone, faded at the edges."""

    samples: np.ndarray
    cues: tuple[tuple[int, int], ...]  # each sentence's first and end sample
    energies: list[float]  # K-weighted energy of each 100 ms step of ``samples`` (one channel)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Mono float samples at another rate, through soxr's band-limited resampler.

    (a plain converter such as audioop.ratecv has no anti-alias filter: a tone above the new Nyquist frequency
    folds back into the audible band.)
    """
    if from_rate == to_rate or not len(samples):
        return samples
    return soxr.resample(samples.astype(np.float32, copy=False), from_rate, to_rate, quality="HQ")


def prepare_clip(clip: Clip, level: Level, fade_ms: int) -> Speech:
    """One clip at the episode's rate, levelled, with short fades so joins never click."""
    samples = clip.audio.samples
    if clip.audio.sample_rate != level.rate:
        samples = resample(samples, clip.audio.sample_rate, level.rate)
    levelled, energies = level.apply(samples)  # a new array: faded in place
    fade = min(round(fade_ms * level.rate / 1000), len(levelled) // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, dtype=np.float32)
        levelled[:fade] *= ramp
        levelled[len(levelled) - fade :] *= ramp[::-1]
    cues = tuple((round(cue.start * level.rate), round(cue.end * level.rate)) for cue in clip.cues)
    return Speech(levelled, cues, energies)


def ramp(start: float, end: float, frames: int) -> np.ndarray:
    return np.linspace(start, end, max(frames, 0), dtype=np.float32)


def db(value: float) -> float:
    return 10 ** (value / 20)
