"""The MP3 bitstream: pieces encoded alone and stitched at frame boundaries decode where the stitcher says,
behind an Info frame a player (mpg123 through libsndfile, mutagen) reads as LAME's own."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile
from mutagen.mp3 import MP3

from newscast import mp3

FORMATS = [(22_050, 1, 64), (16_000, 1, 64), (24_000, 1, 64), (44_100, 2, 128), (48_000, 1, 96), (32_000, 2, 192)]


def burst(rate: int, seconds: float, seed: int) -> np.ndarray:
    """Noise with faded edges: broadband, so a correlation finds its place to the sample."""
    samples = 0.2 * np.random.default_rng(seed).standard_normal(round(seconds * rate))
    ramp = np.linspace(0, 1, 64)
    samples[:64] *= ramp
    samples[-64:] *= ramp[::-1]
    return samples.astype(np.float32)


def lag(decoded: np.ndarray, wanted: np.ndarray, start: int) -> int:
    """How far from ``start`` the wanted samples are found in the decoded stream."""
    window = range(-min(start, 40), 41)
    return max(window, key=lambda shift: float(np.dot(decoded[start + shift : start + shift + len(wanted)], wanted)))


@pytest.mark.parametrize(("rate", "channels", "bitrate"), FORMATS)
def test_stitched_pieces_play_where_the_stitcher_put_them(rate, channels, bitrate):
    fmt = mp3.stream_format(rate, channels, bitrate)
    pieces = [burst(rate, seconds, seed) for seed, seconds in enumerate((1.3, 0.4, 2.1))]
    file = io.BytesIO()
    stitcher = mp3.Stitcher(file, fmt)
    starts = []
    for samples in pieces:
        starts.append(stitcher.add(mp3.encode(samples, fmt)))
        stitcher.pad_to(stitcher.content_end + rate // 2)  # half a second of silence after each
    duration = stitcher.close(stitcher.position + 100)
    decoded, decoded_rate = soundfile.read(io.BytesIO(file.getvalue()), dtype="float32", always_2d=True)
    assert (decoded_rate, decoded.shape) == (rate, (duration, channels))
    assert [lag(decoded[:, 0], samples, start) for samples, start in zip(pieces, starts, strict=True)] == [0, 0, 0]
    assert all(start % fmt.frame_samples == 0 for start in starts)
    quiet = decoded[starts[1] - rate // 4 : starts[1] - 2 * fmt.frame_samples]  # inside the first pause
    assert np.abs(quiet).max() < 1e-3
    (tmp := io.BytesIO(file.getvalue())).name = "e.mp3"
    info = MP3(tmp).info
    assert round(info.length * rate) == duration
    assert (info.sample_rate, info.channels) == (rate, channels)
    # mutagen estimates the bitrate from the byte count; frames are whole bytes, so a short file is a bit off
    assert info.bitrate == pytest.approx(bitrate * 1000, rel=1e-4)


def test_the_info_frame_is_written_for_the_whole_file():
    fmt = mp3.stream_format(22_050, 1, 64)
    file = io.BytesIO()
    stitcher = mp3.Stitcher(file, fmt)
    encoded = [mp3.encode(burst(22_050, seconds, seed), fmt) for seed, seconds in enumerate((0.7, 1.1))]
    stitcher.add(encoded[0])
    stitcher.pad_to(stitcher.content_end + 11_025)
    stitcher.add(encoded[1])
    stitcher.close(stitcher.content_end)
    data = file.getvalue()
    info = mp3.read_info(data, fmt)
    assert info is not None and info.tag_crc_ok
    first_frame = len(mp3.silent_frame(fmt))
    assert info.frames == stitcher.frames > encoded[0].frames + encoded[1].frames  # silent frames counted too
    assert info.size == len(data)
    assert (info.delay, info.padding) == (
        mp3.ENCODER_DELAY,
        encoded[1].padding,
    )  # the first's delay, the last's padding
    assert info.music_crc == mp3.crc16(data[first_frame:])


def test_crc16_is_lames_and_joins_from_parts():
    # LAME's tag CRC in a file libsndfile's own LAME wrote covers the Info frame up to the CRC itself
    written = io.BytesIO()
    with soundfile.SoundFile(written, "w", 22_050, 1, format="MP3", subtype="MPEG_LAYER_III") as encoder:
        encoder.write(burst(22_050, 0.5, 7))
    data = written.getvalue()
    lame = data.index(b"LAME")
    assert mp3.crc16(data[: lame + 34]) == int.from_bytes(data[lame + 34 : lame + 36], "big")
    assert mp3.crc16(data[208:]) == int.from_bytes(data[lame + 32 : lame + 34], "big")  # the music CRC
    for first, second in [(b"", b"abc"), (b"abc", b""), (data[:1000], data[1000:]), (b"\xff" * 3, bytes(70_000))]:
        assert mp3.crc16_join(mp3.crc16(first), mp3.crc16(second), len(second)) == mp3.crc16(first + second)


def test_a_silent_frame_decodes_to_silence_and_ends_a_stream_at_any_sample():
    fmt = mp3.stream_format(22_050, 1, 64)
    file = io.BytesIO()
    stitcher = mp3.Stitcher(file, fmt)
    stitcher.add(mp3.encode(burst(22_050, 0.3, 1), fmt))
    end = stitcher.content_end + 5_000
    assert stitcher.close(end) == end  # the padding trims the trailing silence to the sample
    decoded, _ = soundfile.read(io.BytesIO(file.getvalue()), dtype="float32")
    assert len(decoded) == end
    assert np.abs(decoded[stitcher.content_end + 1_500 :]).max() < 1e-4


@pytest.mark.parametrize(("asked", "frames"), [(0, 0), (250, 0), (300, 1), (576, 1), (1_000, 2), (11_025, 19)])
def test_a_pause_is_the_whole_number_of_frames_nearest_its_length(asked, frames):
    fmt = mp3.stream_format(22_050, 1, 64)
    stitcher = mp3.Stitcher(io.BytesIO(), fmt)
    stitcher.pad_to(asked)
    assert stitcher.frames == frames


def test_episode_rates_are_mp3_rates():
    assert [mp3.supported_rate(rate) for rate in (16_000, 22_050, 22_000, 44_100, 96_000)] == [
        16_000, 22_050, 22_050, 44_100, 48_000,
    ]  # fmt: skip
    assert mp3.stream_format(22_050, 1, 192).bitrate == 160  # MPEG-2 stops at 160 kbit/s
    assert mp3.stream_format(44_100, 2, 192).bitrate == 192
