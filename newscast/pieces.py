"""A segment's speech as a piece of MP3: levelled alone, encoded alone, kept beside the clips, and put anywhere
in an episode (mp3.Stitcher joins pieces at frame boundaries).

A piece is keyed by everything that makes it: the engine and spoken text of each part of each sentence (what
the clips are keyed by), the silence between sentences, and the level and output settings. What an episode does
with a piece (where it goes, the pause after it) is not in the key, so a rebuild after a change of pauses,
order or intro encodes nothing that is already encoded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .mp3 import Encoded, Format

if TYPE_CHECKING:
    from .audio import Speech

VERSION = 1  # of the piece: its levelling, encoding and file layout; a new one leaves old pieces unused
_MAGIC = b"newscast piece\n"


@dataclass(frozen=True)
class Piece:
    """Encoded speech and what the episode needs to know about it without decoding it."""

    format: Format
    encoded: Encoded
    cues: tuple[tuple[int, int], ...]  # each sentence's first and end sample
    energies: tuple[float, ...]  # K-weighted energy per 100 ms step as a listener hears it (codec, channels)

    def to_bytes(self) -> bytes:
        fmt, encoded = self.format, self.encoded
        head = {
            "version": VERSION, "rate": fmt.rate, "channels": fmt.channels, "bitrate": fmt.bitrate,
            "mode": encoded.mode, "frames": encoded.frames, "samples": encoded.samples, "padding": encoded.padding,
            "crc": encoded.crc, "cues": self.cues, "energies": self.energies,
        }  # fmt: skip
        return _MAGIC + json.dumps(head, separators=(",", ":")).encode() + b"\n" + encoded.data

    @classmethod
    def from_bytes(cls, data: bytes) -> Piece | None:
        """The piece, or None for a file of another version or layout."""
        if not data.startswith(_MAGIC):
            return None
        end = data.find(b"\n", len(_MAGIC))
        try:
            head = json.loads(data[len(_MAGIC) : end])
            if head["version"] != VERSION:
                return None
            frames = data[end + 1 :]
            encoded = Encoded(
                frames, head["frames"], head["samples"], head["padding"], head["crc"], head["mode"]
            )  # fmt: skip
            return cls(
                Format(head["rate"], head["channels"], head["bitrate"]),
                encoded,
                tuple((int(start), int(stop)) for start, stop in head["cues"]),
                tuple(map(float, head["energies"])),
            )
        except (ValueError, KeyError, TypeError):
            return None


def make_piece(speech: Speech, fmt: Format, codec_db: float) -> Piece:
    """Encode levelled speech alone; its step energies scaled to what the listener hears."""
    from .mp3 import encode

    heard = fmt.channels * 10 ** (codec_db / 10)  # BS.1770 adds the channels' energies
    return Piece(fmt, encode(speech.samples, fmt), speech.cues, tuple(energy * heard for energy in speech.energies))


def piece_key(spoken: Sequence[Sequence[tuple[str, str]]], settings: dict) -> str:
    """The cache key of the piece for a segment: each sentence's parts as (engine identity, spoken text), and
    the settings that shape its sound (``settings``: plain values, see ``pipeline.piece_settings``)."""
    payload = json.dumps([VERSION, settings, spoken], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def corrected_key(key: str, gain_db: float) -> str:
    """The key of the same piece levelled ``gain_db`` higher (an episode's one correcting gain)."""
    return hashlib.sha256(f"{key}\ncorrection={gain_db:.1f}".encode()).hexdigest()
