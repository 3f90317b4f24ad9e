"""Where an episode goes by default: ``audio/<date>-<slug>.mp3``. Light on purpose (no audio imports), so an
up-to-date check settles the output path without loading the audio stack."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from anyascii import anyascii

from .config import Config
from .models import Script


def slugify(text: str, limit: int = 60) -> str:
    """A file-name slug in ASCII: other scripts are transliterated (anyascii: "北京" -> "beijing"); text with
    nothing to transliterate (symbols only) gets ``episode-`` and a short hash of itself, so two such headlines
    never share a name."""
    slug = re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")
    slug = slug[:limit].rstrip("-")
    return slug or "episode-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def episode_stem(script: Script) -> str:
    """``<date>-<slug>``, ``undated-<slug>`` without a date: the same name in build and batch, on any day."""
    return f"{script.date or 'undated'}-{slugify(script.title)}"


def default_output_path(script: Script, config: Config) -> Path:
    """``audio/<date>-<slug>.mp3``. When that file holds another article's episode (another guid: two
    headlines with the same slug), the guid's start is added to the name rather than overwriting it."""
    from .metadata import episode_guid

    path = Path(config.output.directory) / f"{episode_stem(script)}.mp3"
    return path if own_or_free(path, script) else path.with_name(f"{path.stem}-{episode_guid(script)[:8]}.mp3")


def own_or_free(path: Path, script: Script) -> bool:
    """May this script's episode be written at ``path``: nothing is there, or this same article's episode."""
    if not path.exists():
        return True
    from .metadata import episode_guid, stored_guid  # mutagen: only when there is a file to look at

    return stored_guid(path) == episode_guid(script)
