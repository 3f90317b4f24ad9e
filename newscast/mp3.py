"""The MP3 bitstream as newscast writes it: each piece of speech encoded alone by LAME (the lameenc wheel), and
an episode stitched from pieces at frame boundaries, with silent frames for the pauses, behind one LAME "Info"
frame written for the whole file (dynamic ad insertion stitches MP3 the same way).

Why it works: LAME starts every stream on a frame whose main data begins in that frame (``main_data_begin`` 0),
so a piece never reaches back into the bit reservoir of whatever precedes it; a frame with all-zero side info
decodes to silence and reaches back into nothing either. A player trims the first piece's encoder delay and the
last frames' padding, both read from the Info frame, so a piece whose frames start at audio frame ``F`` is heard
from exactly ``F`` frames into the episode. What each piece leaves after its last sample (LAME's padding, at
least the decoder's 529-sample delay, and the encoder's 576) is silence, so pauses come in whole frames.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .errors import AudioError, OutputError

if TYPE_CHECKING:  # numpy and lameenc load only where a piece is encoded: stitching cached pieces needs neither
    import numpy as np

ENCODER_DELAY = 576  # samples LAME puts before the first input sample, at every rate and frame size
DECODER_DELAY = 529  # samples a Layer III decoder lags; a gapless player needs at least this much padding
QUALITY = 3  # LAME's -q: measured equal to libsndfile's fixed setting on speech at a third of its CPU
_MPEG1_RATES = (32000, 44100, 48000)
_MPEG2_RATES = (16000, 22050, 24000)
_MPEG25_RATES = (8000, 11025, 12000)
_BITRATES = {  # kbit/s by header index
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_XING_FLAGS = 0x0F  # frames, bytes, table of contents, quality
INFO_TAG = b"Info"  # the Xing tag's name for a constant-bitrate stream


def supported_rate(rate: int) -> int:
    """The MP3 sample rate an episode at ``rate`` is written at: that rate, or the next one MP3 has."""
    rates = sorted(_MPEG1_RATES + _MPEG2_RATES + _MPEG25_RATES)
    return next((candidate for candidate in rates if candidate >= rate), rates[-1])


@dataclass(frozen=True)
class Format:
    """One stream's frame layout: every piece of an episode is encoded alike, so their frames join."""

    rate: int
    channels: int
    bitrate: int  # kbit/s

    @property
    def mpeg1(self) -> bool:
        return self.rate in _MPEG1_RATES

    @property
    def frame_samples(self) -> int:
        return 1152 if self.mpeg1 else 576

    @property
    def frame_bytes(self) -> float:
        """Bytes per frame on average; a frame is this rounded down, or one more when its padding bit is set."""
        return (144 if self.mpeg1 else 72) * self.bitrate * 1000 / self.rate

    @property
    def side_info_bytes(self) -> int:
        if self.mpeg1:
            return 17 if self.channels == 1 else 32
        return 9 if self.channels == 1 else 17

    @property
    def default_mode(self) -> int:
        return 3 if self.channels == 1 else 1  # mono; joint stereo, LAME's usual choice

    def header(self, padded: bool = False, mode: int | None = None) -> bytes:
        """A frame header: Layer III, no CRC, this rate and bitrate, the channel mode LAME chose."""
        version = 3 if self.mpeg1 else 2 if self.rate in _MPEG2_RATES else 0
        rates = _MPEG1_RATES if self.mpeg1 else _MPEG2_RATES if version == 2 else _MPEG25_RATES
        rate_index = (2, 0, 1)[rates.index(self.rate)]  # header order: 44.1, 48, 32 kHz (and their halves)
        bitrate_index = _BITRATES[1 if self.mpeg1 else 2].index(self.bitrate)
        mode = self.default_mode if mode is None else mode
        word = (0x7FF << 21) | (version << 19) | (1 << 17) | (1 << 16) | (bitrate_index << 12) | (rate_index << 10)
        word |= (int(padded) << 9) | (mode << 6) | (1 << 2)  # "original" bit set, as LAME sets it
        return word.to_bytes(4, "big")


def stream_format(rate: int, channels: int, bitrate: int) -> Format:
    """The format for the episode's settings: below 32 kHz MP3 stops at 160 kbit/s, so higher asks get that."""
    ceiling = 320 if rate in _MPEG1_RATES else 160
    allowed = [value for value in _BITRATES[1 if rate in _MPEG1_RATES else 2] if 0 < value <= ceiling]
    return Format(rate, channels, max((value for value in allowed if value <= bitrate), default=allowed[0]))


# --- CRC-16 as LAME computes it (polynomial 0x8005, reflected, initial value 0: CRC-16/ARC) --------------------
def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC = _crc_table()


def crc16(data: bytes, crc: int = 0) -> int:
    for byte in data:
        crc = (crc >> 8) ^ _CRC[(crc ^ byte) & 0xFF]
    return crc


def _apply(operator: tuple[int, ...], value: int) -> int:
    """A linear map on 16-bit CRC registers (the images of the 16 unit vectors) applied to ``value``."""
    result, bit = 0, 0
    while value:
        if value & 1:
            result ^= operator[bit]
        value >>= 1
        bit += 1
    return result


@cache
def _zeros_operator(power: int) -> tuple[int, ...]:
    """What feeding 2**power zero bytes does to the CRC register."""
    if power == 0:
        return tuple((1 << bit >> 8) ^ _CRC[(1 << bit) & 0xFF] for bit in range(16))
    half = _zeros_operator(power - 1)
    return tuple(_apply(half, _apply(half, 1 << bit)) for bit in range(16))


def crc16_after_zeros(crc: int, count: int) -> int:
    """The CRC of a message followed by ``count`` zero bytes, from the message's CRC (in log time)."""
    power = 0
    while count:
        if count & 1:
            crc = _apply(_zeros_operator(power), crc)
        count >>= 1
        power += 1
    return crc


def crc16_join(first: int, second: int, second_length: int) -> int:
    """The CRC of two byte strings one after the other, from the CRC of each (the CRC is linear, its start 0)."""
    return crc16_after_zeros(first, second_length) ^ second


def _crc16_fast(data: bytes) -> int:
    """crc16 of a piece's frames with numpy: 64-byte lanes side by side, then joined (init 0 lets zeros lead)."""
    import numpy as np

    lane = 64
    padded = np.frombuffer(bytes(-len(data) % lane) + data, dtype=np.uint8).reshape(-1, lane)
    table = np.array(_CRC, dtype=np.uint16)
    registers = np.zeros(len(padded), dtype=np.uint16)
    for column in range(lane):
        registers = (registers >> 8) ^ table[(registers ^ padded[:, column]) & 0xFF]
    crc = 0
    for value in registers.tolist():
        crc = crc16_after_zeros(crc, lane) ^ value
    return crc


# --- Pieces -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Encoded:
    """Audio encoded alone: whole frames that begin with no reach into earlier ones, and what they hold."""

    data: bytes
    frames: int
    samples: int  # input samples (per channel); they start ENCODER_DELAY samples into the first frame
    padding: int  # samples after them in the last frame
    crc: int  # CRC-16 of ``data`` (the LAME tag's music CRC, when these frames are a whole file)
    mode: int  # the channel mode of its frames (3 mono; 0 stereo, 1 joint stereo: LAME's choice by bitrate)


def encode(samples: np.ndarray, fmt: Format) -> Encoded:
    """Encode mono float samples (duplicated into both channels for stereo) as a stream of their own."""
    import lameenc
    import numpy as np

    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    if fmt.channels == 2:
        pcm = np.repeat(pcm, 2)  # interleaved left, right
    try:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(fmt.bitrate)
        encoder.set_in_sample_rate(fmt.rate)
        encoder.set_out_sample_rate(fmt.rate)  # LAME would otherwise resample low bitrates
        encoder.set_channels(fmt.channels)
        encoder.set_quality(QUALITY)
        data = bytes(encoder.encode(pcm.tobytes()) + encoder.flush())
    except (RuntimeError, ValueError) as error:  # lameenc's errors (a rate or bitrate LAME refuses)
        raise AudioError(f"encoding the MP3 failed: {error}") from error
    frames, mode = check_frames(data, fmt)
    padding = frames * fmt.frame_samples - ENCODER_DELAY - len(samples)
    if frames and not (DECODER_DELAY <= padding < ENCODER_DELAY + 3 * fmt.frame_samples):
        raise AudioError(f"the MP3 encoder padded {len(samples)} samples with {padding}; expected LAME's layout")
    return Encoded(data, frames, len(samples), padding, _crc16_fast(data), mode)


def check_frames(data: bytes, fmt: Format) -> tuple[int, int]:
    """Count the frames and read their channel mode, checking each is of the format and of one mode, and that
    the first reaches back into nothing."""
    position = frames = 0
    expected = fmt.header()
    mode = data[3] >> 6 if len(data) > 3 else fmt.default_mode
    while position < len(data):
        header = data[position : position + 4]
        same = len(header) == 4 and header[:2] == expected[:2] and not (header[2] ^ expected[2]) & 0xFC
        if not same or header[3] >> 6 != mode or (mode == 3) != (fmt.channels == 1):
            raise AudioError(f"the MP3 encoder wrote an unexpected frame at byte {position}: {header.hex()}")
        if position == 0 and _main_data_begin(data, fmt):
            raise AudioError("the MP3 encoder's first frame reaches into earlier frames; pieces cannot be joined")
        position += int(fmt.frame_bytes) + (header[2] >> 1 & 1)
        frames += 1
    if position != len(data):
        raise AudioError("the MP3 encoder's output ends inside a frame")
    return frames, mode


def _main_data_begin(frame: bytes, fmt: Format) -> int:
    word = int.from_bytes(frame[4:6], "big")
    return word >> 7 if fmt.mpeg1 else word >> 8


def silent_frame(fmt: Format, padded: bool = False, mode: int | None = None) -> bytes:
    """A frame that decodes to silence: zero side info (no bits, main data from this frame) and zero data."""
    return fmt.header(padded, mode) + bytes(int(fmt.frame_bytes) + padded - 4)


def info_frame(fmt: Format, mode: int, frames: int, size: int, delay: int, padding: int, music_crc: int) -> bytes:
    """The first frame of the file: a Xing "Info" tag (frames, bytes, a linear table of contents for a constant
    bitrate) and a LAME tag (delay, padding, music length and CRC) whose CRC covers the frame before it."""
    frame = bytearray(silent_frame(fmt, mode=mode))
    at = 4 + fmt.side_info_bytes
    toc = bytes(min(255, index * 256 // 100) for index in range(100))
    xing = INFO_TAG + struct.pack(">III", _XING_FLAGS, frames, size) + toc + struct.pack(">I", 100 - 40 - QUALITY)
    source = 0 if fmt.rate <= 32000 else 1 if fmt.rate == 44100 else 2
    stereo = {3: 0, 0: 1, 1: 3, 2: 2}[mode]  # the LAME tag's numbering: mono, stereo, joint, dual
    lame = b"LAME3.100" + bytes([0x01, 0])  # tag revision 0, constant bitrate; lowpass not recorded
    lame += bytes(4 + 2 + 2) + bytes([0x14, min(fmt.bitrate, 255)])  # no peak or replay gain; flags as LAME's
    lame += ((delay << 12) | padding).to_bytes(3, "big") + bytes([source << 6 | stereo << 2 | 1, 0])
    lame += min(fmt.bitrate, 2047).to_bytes(2, "big") + struct.pack(">IH", size, music_crc)
    frame[at : at + len(xing) + len(lame)] = xing + lame
    end = at + len(xing) + len(lame)
    frame[end : end + 2] = crc16(bytes(frame[:end])).to_bytes(2, "big")
    return bytes(frame)


@dataclass(frozen=True)
class InfoTag:
    """What an MP3's Info frame says: frames after it, the file's bytes, the encoder delay and padding."""

    frames: int
    size: int
    delay: int
    padding: int
    music_crc: int
    tag_crc_ok: bool


def read_info(data: bytes, fmt: Format) -> InfoTag | None:
    """The Info tag at the start of ``data`` (an episode's audio), or None if the first frame holds none."""
    at = 4 + fmt.side_info_bytes
    if data[at : at + 4] not in (INFO_TAG, b"Xing"):
        return None
    _, frames, size = struct.unpack(">III", data[at + 4 : at + 16])
    lame = at + 120
    delay_padding = int.from_bytes(data[lame + 21 : lame + 24], "big")
    music_crc, tag_crc = struct.unpack(">HH", data[lame + 32 : lame + 36])
    return InfoTag(frames, size, delay_padding >> 12, delay_padding & 0xFFF, music_crc,
                   crc16(data[: lame + 34]) == tag_crc)  # fmt: skip


class Stitcher:
    """Pieces and silences written one after another into ``file``, behind an Info frame written last.

    Positions are in samples of player time: the first piece's delay is trimmed by the player, so a piece added
    when ``frames`` audio frames are written starts at ``frames * frame_samples``.
    """

    def __init__(self, file: BinaryIO, fmt: Format) -> None:
        self.file, self.format = file, fmt
        self.mode: int | None = None  # the first piece's channel mode, which the others share
        self.frames = 0
        self.size = len(silent_frame(fmt))  # the Info frame's place, filled on close
        self.audio_bytes = 0
        self.crc = 0
        self.content_end = 0  # where the last piece's samples end
        self._write(bytes(self.size))

    @property
    def position(self) -> int:
        return self.frames * self.format.frame_samples

    def fits(self, piece: Encoded) -> bool:
        """Can the piece join this stream? (Pieces of one format and channel mode share frame headers.)"""
        return self.mode is None or piece.mode == self.mode

    def add(self, piece: Encoded) -> int:
        """Append a piece's frames; return where its samples start."""
        if not self.fits(piece):
            raise AudioError("a piece of another channel mode cannot join the episode's frames")
        if piece.frames:
            self.mode = piece.mode
        start = self.position
        self._write(piece.data)
        self.crc = crc16_join(self.crc, piece.crc, len(piece.data))
        self.frames += piece.frames
        self.size += len(piece.data)
        self.audio_bytes += len(piece.data)
        self.content_end = start + piece.samples
        return start

    def pad_to(self, position: int) -> None:
        """Silent frames up to the frame boundary nearest ``position`` (never before the next free one)."""
        count = max(0, round((position - self.position) / self.format.frame_samples))
        for _ in range(count):
            # a padding byte where the bytes written fall behind the constant bitrate, as LAME pads
            behind = (self.frames + 1) * self.format.frame_bytes - self.audio_bytes - int(self.format.frame_bytes)
            frame = silent_frame(self.format, behind >= 0.5, self.mode)
            self._write(frame)
            self.crc = crc16_join(self.crc, _silent_crc(self.format, behind >= 0.5, self.mode), len(frame))
            self.frames += 1
            self.size += len(frame)
            self.audio_bytes += len(frame)

    def close(self, duration: int) -> int:
        """End the stream ``duration`` samples in (at or after the last piece's end): silent frames while the
        padding would be shorter than the decoder's delay, then the Info frame at the start. Return the duration."""
        delay = ENCODER_DELAY
        duration = max(duration, self.content_end)
        while self.position - delay - duration < DECODER_DELAY:
            self.pad_to(self.position + self.format.frame_samples)
        padding = self.position - delay - duration
        mode = self.format.default_mode if self.mode is None else self.mode
        header = info_frame(self.format, mode, self.frames, self.size, delay, padding, self.crc)
        try:
            self.file.seek(0)
            self.file.write(header)
            self.file.seek(0, io.SEEK_END)
        except OSError as error:
            raise OutputError(f"cannot write the episode: {error.strerror or error}") from error
        return duration

    def _write(self, data: bytes) -> None:
        try:
            self.file.write(data)
        except OSError as error:
            raise OutputError(f"cannot write the episode: {error.strerror or error}") from error


@cache
def _silent_crc(fmt: Format, padded: bool, mode: int | None) -> int:
    return crc16(silent_frame(fmt, padded, mode))


@cache
def codec_gain_db(fmt: Format) -> float:
    """How much the encoder changes the level, measured once per format on a three-tone probe.

    LAME scales its input a little at some settings (and low-passes), so levels are aimed that much higher
    before encoding to land on the target in the file a listener plays.
    """
    import numpy as np
    import soundfile

    frequencies = (250, 500, 1000)
    times = np.arange(fmt.rate) / fmt.rate
    probe = np.sum([0.05 * np.sin(2 * np.pi * frequency * times) for frequency in frequencies], axis=0)
    encoded = encode(probe.astype(np.float32), fmt)
    file = io.BytesIO()
    stitched = Stitcher(file, fmt)
    stitched.add(encoded)
    stitched.close(encoded.samples)
    file.seek(0)
    try:
        decoded, _ = soundfile.read(file, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise AudioError(f"decoding the MP3 encoder's probe failed: {error}") from error
    before = np.abs(np.fft.rfft(probe))[list(frequencies)]
    after = np.abs(np.fft.rfft(decoded[: fmt.rate, 0], fmt.rate))[list(frequencies)]
    gain = float(20 * np.log10(np.mean(after / before)))
    return gain if math.isfinite(gain) else 0.0


def audio_checksum(path: Path) -> str:
    """A checksum of the encoded audio (before tags): the sidecars carry it, to tell whose they are."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]
