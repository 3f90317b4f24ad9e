"""Shared fixtures: a tone engine registered like any other, isolated dirs, and no network."""

from __future__ import annotations

import socket
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

from newscast import register_engine
from newscast.config import SpeechConfig, load_config
from newscast.errors import EngineError
from newscast.models import Audio

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"
EXAMPLE_ARTICLE = EXAMPLES / "harbor-ferry.txt"

TONE_RATE = 16_000
SECONDS_PER_CHARACTER = 0.01


class ToneEngine:
    """A fake engine: a sine tone per text, 10 ms per character, pitch from the text's hash; a voice that is a
    number ("440") speaks every text at that pitch, so tests can tell two voices apart by ear."""

    name = "tone"
    calls: list[str] = []  # noqa: RUF012 - shared on purpose, reset by the fixture
    voices: list[tuple[str, str, str]] = []  # noqa: RUF012 - (voice, language, text) per call, likewise
    fail_on_call: int | None = None

    def __init__(self, settings: SpeechConfig) -> None:
        self.settings = settings

    def identity(self) -> str:
        return f"tone:{self.settings.voice}"

    def synthesize(self, text: str) -> Audio:
        ToneEngine.calls.append(text)
        ToneEngine.voices.append((self.settings.voice, self.settings.language, text))
        if ToneEngine.fail_on_call is not None and len(ToneEngine.calls) >= ToneEngine.fail_on_call:
            raise EngineError(f"tone engine failed on call {len(ToneEngine.calls)}")
        return tone_for(text, int(self.settings.voice) if self.settings.voice.isdigit() else None)


def tone_for(text: str, frequency: int | None = None) -> Audio:
    frequency = frequency or 200 + zlib.crc32(text.encode()) % 600
    count = round(len(text) * SECONDS_PER_CHARACTER * TONE_RATE)
    samples = 0.5 * np.sin(2 * np.pi * frequency * np.arange(count) / TONE_RATE)
    return Audio(samples.astype(np.float32), TONE_RATE)


class SlowToneEngine(ToneEngine):
    """The tone engine at 30 ms a sentence: slow enough to stop a build (or a worker) part way through."""

    name = "slowtone"

    def synthesize(self, text: str) -> Audio:
        time.sleep(0.03)
        return super().synthesize(text)


register_engine("tone", ToneEngine)
register_engine("slowtone", SlowToneEngine)

_real_getaddrinfo = socket.getaddrinfo


def _local_only_getaddrinfo(host, *args, **kwargs):
    if host not in ("localhost", "127.0.0.1", "::1", None):
        raise socket.gaierror(socket.EAI_NONAME, f"tests may not reach the network ({host})")
    return _real_getaddrinfo(host, *args, **kwargs)


COSTLY = ("piper", "dask", "subprocess", "waits", "fuzz")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every costly test is also ``slow``, so ``-m "not slow"`` is the fast suite."""
    for item in items:
        if any(item.get_closest_marker(name) for name in COSTLY):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def compiled_voices(tmp_path_factory):
    """One folder of compiled Piper voices for the whole run: compiling takes a second, and on macOS
    platformdirs would put it in the real ~/Library/Caches (it ignores XDG_CACHE_HOME there)."""
    return tmp_path_factory.mktemp("compiled-voices")


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch, compiled_voices):
    """Own cache and config dirs per test, no way out to the network, a fresh tone engine."""
    from newscast.speech import compiled_voice

    monkeypatch.setattr(compiled_voice, "compiled_voices_dir", lambda: compiled_voices)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NEWSCAST_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("NEWSCAST_VOICES_DIR", str(home / "voices"))
    monkeypatch.setattr(socket, "getaddrinfo", _local_only_getaddrinfo)
    ToneEngine.calls = []
    ToneEngine.voices = []
    ToneEngine.fail_on_call = None
    return home


@pytest.fixture
def tone_config():
    return load_config(overrides={"speech": {"engine": "tone"}})


def png_bytes(width: int = 1400, height: int = 1400, colour_type: int = 2) -> bytes:
    """A real PNG of one flat colour (zlib-compressed rows), as an image editor would save it."""
    import struct

    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    raw = (b"\x00" + bytes([40, 90, 160, 255][:channels]) * width) * height

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def jpeg_bytes(width: int = 1400, height: int = 1400, components: int = 3) -> bytes:
    """The marker structure of a baseline JPEG (JFIF header, frame header, scan, end): what the cover check reads."""
    import struct

    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00"
    frame = struct.pack(">HBHHB", 8 + 3 * components, 8, height, width, components)
    frame += b"".join(bytes([index + 1, 0x11, 0]) for index in range(components))
    scan = b"\xff\xda" + struct.pack(">HB", 6 + 2 * components, components)
    scan += b"".join(bytes([index + 1, 0]) for index in range(components)) + b"\x00\x3f\x00"
    return b"\xff\xd8" + app0 + b"\xff\xc0" + frame + scan + b"\x12\x34" * 64 + b"\xff\xd9"
