"""Synthesised clips on disk, keyed by engine identity and text, so reruns skip finished work."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import platformdirs

from ..models import Audio

CACHE_ENV = "NEWSCAST_CACHE_DIR"


def default_cache_dir(configured: str = "") -> Path:
    """``NEWSCAST_CACHE_DIR``, else the config's directory, else the user cache dir."""
    override = os.environ.get(CACHE_ENV) or configured
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("newscast")) / "clips"


class ClipCache:
    """One WAV file per clip. Writes are atomic: a killed build never leaves a torn entry.

    A clip read is touched, so pruning removes the least recently used clips first.
    """

    def __init__(self, directory: Path | None = None, max_bytes: int = 0) -> None:
        self.directory = directory or default_cache_dir()
        self.max_bytes = max_bytes

    def path_for(self, identity: str, text: str) -> Path:
        digest = hashlib.sha256(f"{identity}\n{text}".encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.wav"

    def get(self, identity: str, text: str) -> Audio | None:
        import soundfile  # here: a build that finds its episode up to date never loads the audio stack

        path = self.path_for(identity, text)
        try:
            samples, rate = soundfile.read(path, dtype="float32")
        except (OSError, soundfile.LibsndfileError, RuntimeError):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        return Audio(samples, rate)

    def put(self, identity: str, text: str, audio: Audio) -> None:
        import soundfile

        path = self.path_for(identity, text)
        temporary: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            temporary = Path(name)
            with os.fdopen(handle, "wb") as file:
                soundfile.write(file, audio.samples, audio.sample_rate, format="WAV", subtype="FLOAT")
            os.replace(temporary, path)
        except (OSError, RuntimeError):  # LibsndfileError is a RuntimeError
            # A cache that cannot be written only costs speed; the build goes on.
            if temporary is not None:
                temporary.unlink(missing_ok=True)

    def prune(self) -> int:
        """Remove the least recently used clips until the cache fits its bound; return how many went."""
        if not self.max_bytes or not self.directory.is_dir():
            return 0
        entries = []
        for path in self.directory.glob("*/*.wav"):
            with contextlib.suppress(OSError):
                status = path.stat()
                entries.append((status.st_mtime, status.st_size, path))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                removed += 1
        return removed


class NoCache(ClipCache):
    """--no-cache: every clip is synthesised afresh and nothing is stored."""

    def __init__(self) -> None:
        super().__init__(Path(os.devnull))

    def get(self, identity: str, text: str) -> Audio | None:
        return None

    def put(self, identity: str, text: str, audio: Audio) -> None:
        return None
