"""Synthesised clips on disk, keyed by engine identity and text, so reruns skip finished work."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import platformdirs
import soundfile

from ..models import Audio

CACHE_ENV = "NEWSCAST_CACHE_DIR"


def default_cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("newscast")) / "clips"


class ClipCache:
    """One WAV file per clip. Writes are atomic: a killed build never leaves a torn entry."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_cache_dir()

    def path_for(self, identity: str, text: str) -> Path:
        digest = hashlib.sha256(f"{identity}\n{text}".encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.wav"

    def get(self, identity: str, text: str) -> Audio | None:
        path = self.path_for(identity, text)
        try:
            samples, rate = soundfile.read(path, dtype="float32")
        except (OSError, soundfile.LibsndfileError, RuntimeError):
            return None
        return Audio(samples, rate)

    def put(self, identity: str, text: str, audio: Audio) -> None:
        path = self.path_for(identity, text)
        temporary: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            temporary = Path(name)
            with os.fdopen(handle, "wb") as file:
                soundfile.write(file, audio.samples, audio.sample_rate, format="WAV", subtype="FLOAT")
            os.replace(temporary, path)
        except (OSError, soundfile.LibsndfileError):
            # A cache that cannot be written only costs speed; the build goes on.
            if temporary is not None:
                temporary.unlink(missing_ok=True)


class NoCache(ClipCache):
    """--no-cache: every clip is synthesised afresh and nothing is stored."""

    def __init__(self) -> None:
        super().__init__(Path(os.devnull))

    def get(self, identity: str, text: str) -> Audio | None:
        return None

    def put(self, identity: str, text: str, audio: Audio) -> None:
        return None
