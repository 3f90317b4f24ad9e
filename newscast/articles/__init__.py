"""Reading: a path, URL or text -> Article."""

from __future__ import annotations

from pathlib import Path

from ..errors import ArticleError
from ..models import Article
from .text import parse_scrape

__all__ = ["read_article", "read_text"]

MAX_INPUT_BYTES = 20 * 1024 * 1024


def read_text(text: str, source: str = "") -> Article:
    """Read an article from the text of a scraped page."""
    return parse_scrape(text, source)


def read_article(source: str | Path) -> Article:
    """Read an article from a file path."""
    path = Path(source)
    if not path.exists():
        raise ArticleError(f"no such file: {path}")
    if path.is_dir():
        raise ArticleError(f"{path} is a directory; give the path of an article file")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            limit = MAX_INPUT_BYTES // 2**20
            raise ArticleError(f"{path} is {size / 2**20:.0f} MB; articles over {limit} MB are refused")
        data = path.read_bytes()
    except OSError as error:
        raise ArticleError(f"cannot read {path}: {error.strerror or error}") from None
    return read_text(_decode(data, path), str(path))


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:4096]:
        raise ArticleError(f"{path} looks like a binary file, not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Scrapes saved by old tools are often Windows-1252; that code page decodes almost any byte.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")
