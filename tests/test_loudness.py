"""The built-in BS.1770 meter, true-peak meter and limiter, checked against pyloudnorm and known signals."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from newscast.loudness import LoudnessMeter, integrated_loudness, limit, true_peak_db


def speech_like(rate: int, seconds: float, seed: int = 0) -> np.ndarray:
    """Noise whose level jumps every 100 ms, with silent stretches: enough to exercise both gates."""
    rng = np.random.default_rng(seed)
    steps = int(seconds * 10)
    envelope = np.repeat(rng.uniform(0.0, 0.3, steps) * (rng.random(steps) > 0.2), rate // 10)
    return (rng.standard_normal(len(envelope)) * envelope).astype(np.float32)


def test_full_scale_997_hz_sine_reads_minus_3_lufs():
    rate = 48_000
    sine = np.sin(2 * np.pi * 997 * np.arange(rate * 5) / rate)
    assert integrated_loudness(sine, rate) == pytest.approx(-3.01, abs=0.02)


@pytest.mark.parametrize("rate", [48_000, 44_100])
def test_meter_agrees_with_pyloudnorm(rate):
    samples = speech_like(rate, 12)
    reference = pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64))
    assert integrated_loudness(samples, rate) == pytest.approx(reference, abs=0.1)


def test_meter_fed_in_pieces_reads_as_the_whole():
    rate = 22_050
    samples = speech_like(rate, 9, seed=3)
    meter = LoudnessMeter(rate)
    for piece in np.array_split(samples, 17):  # pieces of odd lengths, none on a block boundary
        meter.add(piece)
    assert meter.loudness() == pytest.approx(integrated_loudness(samples, rate), abs=1e-6)


def test_silence_and_short_audio_have_no_loudness():
    assert integrated_loudness(np.zeros(48_000, dtype=np.float32), 48_000) == -np.inf
    assert integrated_loudness(np.ones(100, dtype=np.float32), 48_000) == -np.inf  # under one 400 ms block


def test_true_peak_sees_the_peak_between_samples():
    rate = 48_000
    # a quarter-rate sine sampled 45 degrees off its crest: every sample is at 0.707, the wave reaches 1.0
    samples = np.sin(2 * np.pi * (rate / 4) * np.arange(4800) / rate + np.pi / 4).astype(np.float32)
    assert 20 * np.log10(np.abs(samples).max()) == pytest.approx(-3.01, abs=0.01)
    assert true_peak_db(samples) == pytest.approx(0.0, abs=0.2)


def test_limiter_holds_the_ceiling_and_leaves_quiet_audio_alone():
    rate = 24_000
    samples = speech_like(rate, 4) * 4
    limited = limit(samples, rate, -3.0)
    assert np.abs(limited).max() <= 10 ** (-3 / 20) + 1e-6
    quiet = samples * 0.01
    assert np.array_equal(limit(quiet, rate, -3.0), quiet)


def test_stereo_sums_its_channels_like_pyloudnorm():
    rate = 48_000
    stereo = np.stack((speech_like(rate, 8, seed=1), speech_like(rate, 8, seed=2)), axis=1)
    reference = pyloudnorm.Meter(rate).integrated_loudness(stereo.astype(np.float64))
    assert integrated_loudness(stereo, rate) == pytest.approx(reference, abs=0.1)
    both = np.stack((stereo[:, 0], stereo[:, 0]), axis=1)
    assert integrated_loudness(both, rate) - integrated_loudness(stereo[:, 0], rate) == pytest.approx(3.01, abs=0.01)


def test_long_signals_are_k_weighted_in_blocks_as_if_whole():
    from newscast.loudness import _k_response, _k_weighted

    rate = 22_050
    samples = speech_like(rate, 9, seed=5)  # longer than one block: filtered in overlapping blocks
    size = 1 << (len(samples) + rate - 1).bit_length()
    whole = np.fft.irfft(np.fft.rfft(samples.astype(np.float64), size) * _k_response(size, rate), size)[: len(samples)]
    assert np.abs(_k_weighted(samples, rate) - whole).max() < 1e-6
