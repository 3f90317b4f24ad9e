"""Where an episode goes by default: ``audio/<date>-<slug>.mp3``. Light on purpose (no audio imports), so an
up-to-date check settles the output path without loading the audio stack."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from .config import Config
from .models import Script


def slugify(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "episode"


def default_output_path(script: Script, config: Config) -> Path:
    """``audio/<date>-<slug>.mp3``: the article's date, else today's."""
    day = script.date or date.today().isoformat()
    return Path(config.output.directory) / f"{day}-{slugify(script.title)}.mp3"
