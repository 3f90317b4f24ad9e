"""Draw newscast's default cover art (newscast/cover.png): broadcast arcs over a folded newspaper.

    python scripts/make_cover.py

Numpy and zlib only, so the picture is reproducible and the package needs no imaging library.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

SIZE = 1400
NAVY, PAPER, AMBER, INK = (18, 32, 58), (240, 236, 226), (246, 176, 66), (70, 84, 110)


def png(pixels: np.ndarray) -> bytes:
    height, width, _ = pixels.shape
    rows = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def draw() -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    image = np.empty((SIZE, SIZE, 3), np.uint8)
    image[:] = NAVY
    # the paper: a tilted-looking page with a headline bar and column lines
    page = (x > 330) & (x < 1070) & (y > 560) & (y < 1180)
    image[page] = PAPER
    image[(x > 390) & (x < 1010) & (y > 620) & (y < 690)] = INK
    for top in range(740, 1140, 44):
        for left, right in ((390, 680), (720, 1010)):
            image[(x > left) & (x < right) & (y > top) & (y < top + 16)] = INK
    # the signal: three arcs rising from the top of the page
    centre_x, centre_y = 700, 560
    distance = np.hypot(x - centre_x, y - centre_y)
    upper = (y < centre_y - 20) & (np.abs(x - centre_x) < (centre_y - y) * 1.2)
    for radius in (120, 230, 340):
        image[upper & (np.abs(distance - radius) < 26)] = AMBER
    image[distance < 48] = AMBER
    return image


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "newscast" / "cover.png"
    target.write_bytes(png(draw()))
    print(f"wrote {target} ({target.stat().st_size} bytes)")
