"""Reading: a path, URL, stdin or text -> Article."""

from __future__ import annotations

import codecs
import gzip
import io
import re
import sys
import zlib
from pathlib import Path

from ..errors import ArticleError
from ..limits import TooLarge, read_bounded
from ..models import Article
from .html import looks_like_html, parse_html
from .language import with_language
from .text import parse_scrape

__all__ = ["STDIN", "read_article", "read_text"]

STDIN = "-"
MAX_INPUT_BYTES = 20 * 1024 * 1024
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]|\u00e2\u20ac[\u0080-\u00bf\u2018-\u201e\u2122\u0153\u0161]")


def read_text(text: str, source: str = "", url: str | None = None) -> Article:
    """Read an article from page text: HTML (by content) or a plain-text scrape."""
    if looks_like_html(text):
        return with_language(parse_html(text, source, url))
    return with_language(parse_scrape(text, source))


def read_article(source: str | Path) -> Article:
    """Read an article from a file path, a URL, or ``-`` for standard input."""
    source = str(source)
    if source == STDIN:
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        _check_size(len(data), "standard input")
        return read_text(decode(data, "standard input"), "stdin")
    if source.startswith(("http://", "https://")):  # web.is_url; web (and requests) load only for URLs
        from .web import fetch

        page = fetch(source)
        text = decode(page.content, source, page.charset)
        if page.content_type == "text/html" or looks_like_html(text):
            return with_language(parse_html(text, source, page.url))
        return with_language(parse_scrape(text, source))
    return read_text(decode(_read_file(Path(source)), source), source)


def _check_size(size: int, where: str) -> None:
    if size > MAX_INPUT_BYTES:
        raise ArticleError(f"{where} is over {MAX_INPUT_BYTES // 2**20} MB; articles that large are refused")


def _read_file(path: Path) -> bytes:
    if not path.exists():
        raise ArticleError(f"no such file: {path}")
    if path.is_dir():
        raise ArticleError(f"{path} is a directory; give the path of an article file")
    try:
        _check_size(path.stat().st_size, str(path))  # refuses a large regular file without reading it
        data = read_bounded(path, MAX_INPUT_BYTES)  # devices and pipes report size 0: the read is bounded
    except TooLarge:
        _check_size(MAX_INPUT_BYTES + 1, str(path))
    except OSError as error:
        raise ArticleError(f"cannot read {path}: {error.strerror or error}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as archive:
                data = archive.read(MAX_INPUT_BYTES + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise ArticleError(f"{path} is a damaged gzip file: {error}") from None
        _check_size(len(data), f"{path} (unpacked)")
    return data


_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]{2,40})", re.IGNORECASE)
_WEB_SINGLE_BYTE = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "windows-1252", "cp1252"}
_REPLACED_SHARE = 0.001  # a page declared UTF-8 keeps that reading despite a few bad bytes


def declared_charset(data: bytes) -> str | None:
    """The charset a page's <meta charset> or http-equiv Content-Type declares in its first bytes."""
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii").lower() if match else None


def _decode_declared(data: bytes, charset: str) -> str | None:
    """Bytes in the page's own declared charset, as a browser reads them; None when that cannot be right."""
    try:
        codecs.lookup(charset)
    except LookupError:
        return None
    if charset in _WEB_SINGLE_BYTE:  # browsers read all of these as windows-1252
        return data.decode("cp1252", errors="replace")
    try:
        return data.decode(charset)
    except UnicodeDecodeError:
        text = data.decode(charset, errors="replace")
        return text if text.count("\ufffd") <= _REPLACED_SHARE * len(text) else None


def decode(data: bytes, where: str, declared: str | None = None) -> str:
    """Bytes -> text: the HTTP charset, UTF-8, the page's own <meta> charset, else a detected encoding."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(f"{where} looks like a binary file, not an article")
    text = None
    for encoding in filter(None, (declared, "utf-8-sig")):
        try:
            text = data.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None and (meta := declared_charset(data)):
        text = _decode_declared(data, meta)  # the page's own declaration before any guess
    if text is None:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:1_000_000]).best()
        if best is None:
            raise ArticleError(f"{where} is not text in any encoding newscast recognises")
        text = data.decode(best.encoding, errors="replace")
    if _MOJIBAKE.search(text[:200_000]):
        import ftfy

        text = ftfy.fix_text(text, uncurl_quotes=False)
    return text
