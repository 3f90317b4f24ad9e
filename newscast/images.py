"""Cover art checked against what podcast directories accept, from the file's own structure.

Apple Podcasts asks for a square JPEG or PNG, 1400 to 3000 pixels a side, in the RGB colour space. The checks
read the headers (PNG: every chunk and its CRC; JPEG: the markers up to the frame header), so a renamed text
file, a greyscale or CMYK image, or a PNG header followed by noise is refused before it reaches a feed.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

MIN_SIDE = 1400
MAX_SIDE = 3000
MAX_BYTES = 10_000_000  # a 3000 px cover compresses far below this; more is not cover art
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOUR = {0: "greyscale", 2: "RGB", 3: "palette", 4: "greyscale", 6: "RGB"}
_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class Image:
    mime: str
    width: int
    height: int
    colour: str  # RGB, palette, greyscale, CMYK

    @property
    def suffix(self) -> str:
        return ".png" if self.mime == "image/png" else ".jpg"


class _Bad(ValueError):
    pass


def read_image(data: bytes) -> Image:
    """The type, size and colour space of PNG or JPEG bytes; ValueError if they are neither, or broken."""
    if data.startswith(PNG_SIGNATURE):
        return _png(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data)
    raise _Bad("it is neither a PNG nor a JPEG image")


def _png(data: bytes) -> Image:
    position, header, chunks = len(PNG_SIGNATURE), None, set()
    while position < len(data):
        if position + 12 > len(data):
            raise _Bad("the PNG is cut short")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data) or not kind.isalpha():
            raise _Bad("the PNG's chunks are broken")
        body = data[position + 8 : end - 4]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end - 4 : end])[0]:
            raise _Bad(f"the PNG's {kind.decode('ascii', 'replace')} chunk is corrupt (bad CRC)")
        if header is None:
            if kind != b"IHDR" or length != 13:
                raise _Bad("the PNG has no IHDR header")
            header = struct.unpack(">IIBB", body[:10])
        chunks.add(kind)
        position = end
        if kind == b"IEND":
            break
    if header is None or b"IEND" not in chunks or b"IDAT" not in chunks:
        raise _Bad("the PNG is incomplete (no image data or no end)")
    width, height, _, colour = header
    return Image("image/png", width, height, _PNG_COLOUR.get(colour, "unknown"))


def _jpeg(data: bytes) -> Image:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise _Bad("the JPEG's markers are broken")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_FRAMES:
            if position + 10 > len(data):
                break
            height, width, components = struct.unpack(">HHB", data[position + 5 : position + 10])
            colour = {1: "greyscale", 3: "RGB", 4: "CMYK"}.get(components, "unknown")
            if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
                raise _Bad("the JPEG is incomplete (no end marker)")
            return Image("image/jpeg", width, height, colour)
        if marker == 0xDA or length < 2:
            break
        position += 2 + length
    raise _Bad("the JPEG has no frame header")


def check_cover(path: str | Path, what: str) -> Image:
    """A cover image a podcast directory accepts, or a ConfigError naming ``what`` and the reason."""
    path = Path(path).expanduser()
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            limit = f"{MAX_BYTES // 1_000_000} MB"
            raise ConfigError(f"{what}: {path} is {size / 1e6:.0f} MB; cover art must be under {limit}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{what}: no such file: {path}") from None
    except OSError as error:
        raise ConfigError(f"{what}: cannot read {path}: {error.strerror or error}") from None
    try:
        image = read_image(data)
    except ValueError as error:
        raise ConfigError(f"{what}: {path} is not usable cover art: {error}") from None
    problems = []
    if image.width != image.height:
        problems.append(f"it is {image.width}x{image.height}, not square")
    if not (MIN_SIDE <= image.width <= MAX_SIDE and MIN_SIDE <= image.height <= MAX_SIDE):
        problems.append(f"it is {image.width}x{image.height} px; podcast apps ask for {MIN_SIDE} to {MAX_SIDE} px")
    if image.colour not in ("RGB", "palette"):
        problems.append(f"its colour space is {image.colour}, not RGB")
    if problems:
        raise ConfigError(f"{what}: {path} is not usable cover art: " + "; ".join(problems))
    return image
