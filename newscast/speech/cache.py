"""Synthesised clips and encoded pieces on disk, so reruns skip finished work.

Each clip is a WAV file named ``<key>-<bytes>-<checksum>.wav`` (key: the engine identity and text; checksum:
the file's own SHA-256, shortened), in a folder named by the key's first two digits; each piece (a segment's
speech, levelled and encoded: see pieces.py) is a ``.piece`` file named the same way. An entry that does not
verify (truncated, garbled) is deleted, and spoken or encoded again. The cache root holds a ``CACHEDIR.TAG`` that says
newscast made it; a folder holding anything else is refused, and pruning only ever deletes the cache's own
entries, so ``--cache-dir`` pointed at the wrong folder cannot delete a user's files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import platformdirs

from ..errors import ConfigError, OutputError
from ..models import Audio
from ..pieces import Piece

CACHE_ENV = "NEWSCAST_CACHE_DIR"
MARKER = "CACHEDIR.TAG"
# https://bford.info/cachedir/: backup tools skip a folder with this tag; the comment says whose it is.
MARKER_TEXT = "Signature: 8a477f597d28d172789f06886806bc55\n# newscast clip cache: every file here may be deleted\n"
_Value = TypeVar("_Value")
_FOLDER = re.compile(r"[0-9a-f]{2}")
_ENTRY = re.compile(r"(?P<key>[0-9a-f]{64})-(?P<size>\d+)-(?P<checksum>[0-9a-f]{16})\.(?P<kind>wav|piece)")
# entries (older clips unchecked), and writes in progress
_OWN_FILE = re.compile(r"[0-9a-f]{64}(-\d+-[0-9a-f]{16})?\.wav|[0-9a-f]{64}-\d+-[0-9a-f]{16}\.piece|tmp\w+\.tmp")


def default_cache_dir(configured: str = "") -> Path:
    """``NEWSCAST_CACHE_DIR``, else the config's directory, else the user cache dir."""
    override = os.environ.get(CACHE_ENV) or configured
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_cache_dir("newscast")) / "clips"


def _checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


class ClipCache:
    """One verified WAV file per clip, one verified file per piece. Writes are atomic: a killed build never
    leaves a torn entry. An entry read is touched, so pruning removes the least recently used first.
    """

    def __init__(self, directory: Path | None = None, max_bytes: int = 0) -> None:
        self.directory = directory or default_cache_dir()
        self.max_bytes = max_bytes
        self._claim()

    def _claim(self) -> None:
        """Make sure the folder is (or can become) newscast's cache, and tag it."""
        if not self.directory.is_dir() or self._tagged():
            return
        for entry in self.directory.iterdir():
            inside = list(entry.iterdir()) if entry.is_dir() and _FOLDER.fullmatch(entry.name) else [entry]
            strangers = [path for path in inside if not (path.is_file() and _OWN_FILE.fullmatch(path.name))]
            if strangers:
                raise ConfigError(
                    f"{self.directory} is not a newscast clip cache: it holds {strangers[0]}, which pruning the "
                    "cache could delete; give --cache-dir (or cache.directory) an empty or new folder"
                )
        self._tag()

    def _tagged(self) -> bool:
        try:
            return "newscast" in (self.directory / MARKER).read_text(encoding="utf-8", errors="replace")[:400]
        except OSError:
            return False

    def _tag(self) -> None:
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            (self.directory / MARKER).write_text(MARKER_TEXT, encoding="utf-8")

    @staticmethod
    def key(identity: str, text: str) -> str:
        return hashlib.sha256(f"{identity}\n{text}".encode()).hexdigest()

    def _entries(self, key: str, kind: str = "wav") -> list[Path]:
        folder = self.directory / key[:2]
        try:
            names = os.listdir(folder)
        except OSError:
            return []
        return [
            folder / name
            for name in names
            if name.startswith(key + "-") and name.endswith("." + kind) and _ENTRY.fullmatch(name)
        ]

    def path_for(self, identity: str, text: str) -> Path:
        """Where the clip for this text is kept (the file once it is there)."""
        key = self.key(identity, text)
        entries = self._entries(key)
        return entries[0] if entries else self.directory / key[:2] / f"{key}.wav"

    def get(self, identity: str, text: str) -> Audio | None:
        return self._read(self.key(identity, text), "wav", self._decoded)

    def has_piece(self, key: str) -> bool:
        """Is a piece with this key kept? (Whether it verifies is known only when it is read.)"""
        return bool(self._entries(key, "piece"))

    def piece(self, key: str) -> Piece | None:
        return self._read(key, "piece", lambda data: None if data is None else Piece.from_bytes(data))

    def _read(self, key: str, kind: str, decode: Callable[[bytes | None], _Value | None]) -> _Value | None:
        """The first entry of the key that verifies and decodes; one that does not (damaged, or of another
        version) is deleted, to be spoken or encoded again."""
        for path in self._entries(key, kind):
            value = decode(self._verified(path))
            if value is not None:
                return value
            path.unlink(missing_ok=True)
        return None

    def put_piece(self, key: str, piece: Piece) -> None:
        self._store(key, "piece", piece.to_bytes())

    @staticmethod
    def _verified(path: Path) -> bytes | None:
        """The entry's bytes if they are whole and match their checksum; the entry is touched (recently used)."""
        fields = _ENTRY.fullmatch(path.name)
        assert fields is not None  # _entries only yields matching names
        size = int(fields["size"])
        try:
            with path.open("rb") as file:
                data = file.read(size + 1)
        except OSError:
            return None
        if len(data) != size or _checksum(data) != fields["checksum"]:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)
        return data

    @staticmethod
    def _decoded(data: bytes | None) -> Audio | None:
        if data is None:
            return None
        import soundfile  # here: a build that finds its episode up to date never loads the audio stack

        try:
            samples, rate = soundfile.read(io.BytesIO(data), dtype="float32")
        except (OSError, soundfile.LibsndfileError, RuntimeError):
            return None
        return Audio(samples, rate) if samples.ndim == 1 else None

    def put(self, identity: str, text: str, audio: Audio) -> None:
        import soundfile

        try:
            buffer = io.BytesIO()
            soundfile.write(buffer, audio.samples, audio.sample_rate, format="WAV", subtype="FLOAT")
        except Exception:  # an encoder assertion on a full disk (soundfile's own temporary buffers): only speed
            return
        self._store(self.key(identity, text), "wav", buffer.getvalue())

    def _store(self, key: str, kind: str, data: bytes) -> None:
        """Write an entry atomically, replacing older ones of the key; a failure (a full disk, a read-only
        folder) only costs speed."""
        temporary: Path | None = None
        try:
            path = self.directory / key[:2] / f"{key}-{len(data)}-{_checksum(data)}.{kind}"
            if not self.directory.is_dir():
                self._tag()
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            temporary = Path(name)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
            temporary = None
            for older in self._entries(key, kind):
                if older != path:
                    older.unlink(missing_ok=True)
        except Exception:  # a full disk, a read-only folder: each only costs speed
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink(missing_ok=True)

    def prune(self) -> int:
        """Remove the least recently used entries until the cache fits its bound; return how many went.

        Only the cache's own entries are candidates, and only in a folder tagged as newscast's cache."""
        if not self.max_bytes or not self.directory.is_dir() or not self._tagged():
            return 0
        entries = []
        with contextlib.suppress(OSError), os.scandir(self.directory) as folders:
            for folder in folders:
                if _FOLDER.fullmatch(folder.name) and folder.is_dir(follow_symlinks=False):
                    entries += self._own_entries(folder.path)
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, path in sorted(entries):  # least recently used first
            if total <= self.max_bytes:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                total -= size
                removed += 1
        return removed

    @staticmethod
    def _own_entries(folder: str) -> list[tuple[float, int, str]]:
        """(time of last use, size, path) of the cache's entries in one of its folders."""
        found = []
        with contextlib.suppress(OSError), os.scandir(folder) as paths:
            for path in paths:
                if _OWN_FILE.fullmatch(path.name) and path.name.endswith((".wav", ".piece")):
                    with contextlib.suppress(OSError):
                        status = path.stat(follow_symlinks=False)
                        found.append((status.st_mtime, status.st_size, path.path))
        return found


class NoCache(ClipCache):
    """--no-cache: every clip is synthesised afresh. Clips and pieces live in a temporary folder for the build
    (a correcting second pass reads them back), removed with this object or when the process ends."""

    def __init__(self) -> None:
        try:
            folder = Path(tempfile.mkdtemp(prefix="newscast-no-cache-"))
        except OSError as error:
            raise OutputError(f"cannot create a scratch folder in {tempfile.gettempdir()}: {error}") from None
        super().__init__(folder)
        self._removal = weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
