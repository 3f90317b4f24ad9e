"""URLs -> page bytes: timeouts, a size limit, a browser-like user agent, and errors that say what failed."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from ..errors import ArticleError
from ..limits import call_with_deadline

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 newscast"
)
MAX_PAGE_BYTES = 10 * 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
FETCH_DEADLINE = 60.0  # the whole download, however slowly the bytes trickle in
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown")


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    content: bytes
    content_type: str
    charset: str | None
    etag: str = ""  # validators for a conditional request next time
    last_modified: str = ""
    not_modified: bool = False  # the server answered 304 to a conditional request: no content


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def fetch(
    url: str,
    timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
    types: tuple[str, ...] = _PAGE_TYPES,
) -> Page:
    """Download a page, refusing what is not a page (``types``) or is too large, within FETCH_DEADLINE s in all.

    ``headers`` are added to the request (e.g. If-None-Match for a conditional request, whose 304 answer
    comes back as a Page with ``not_modified`` set and no content)."""
    responses: list[requests.Response] = []

    def cut_short() -> None:  # wakes the download thread's blocked read, so it ends now rather than never
        for response in responses:
            connection = getattr(response.raw, "_connection", None)
            sock = getattr(connection, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def download() -> Page:
        return _download(url, timeout or READ_TIMEOUT, headers or {}, types, responses)

    try:
        return call_with_deadline(download, FETCH_DEADLINE, cut_short)
    except TimeoutError:
        raise ArticleError(f"{url} did not finish within {FETCH_DEADLINE:g} s (a server sending too slowly)") from None


def _download(
    url: str, timeout: float, headers: Mapping[str, str], types: tuple[str, ...], responses: list[requests.Response]
) -> Page:
    try:
        response = requests.get(
            url,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                **headers,
            },
            timeout=(CONNECT_TIMEOUT, timeout),
            stream=True,
            allow_redirects=True,
        )
    except requests.exceptions.Timeout:
        raise ArticleError(f"{url} did not answer within {timeout:g} s") from None
    except requests.exceptions.TooManyRedirects:
        raise ArticleError(f"{url} redirects too many times") from None
    except requests.exceptions.ConnectionError as error:
        reason = "cannot resolve the host name" if "resolve" in str(error).lower() else "cannot connect"
        raise ArticleError(f"{url}: {reason} (offline, or a typo in the address?)") from None
    except requests.exceptions.RequestException as error:
        raise ArticleError(f"cannot fetch {url}: {error}") from None
    responses.append(response)
    with response:
        if response.status_code == 304:
            return Page(response.url, b"", "", None, not_modified=True)
        if response.status_code >= 400:
            raise ArticleError(f"{url} answered HTTP {response.status_code} {response.reason or ''}".rstrip())
        content_type = response.headers.get("Content-Type", "text/html").split(";")[0].strip().lower()
        if content_type and content_type not in types:
            raise ArticleError(f"{url} is {content_type}, not a news page (HTML or text)")
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > MAX_PAGE_BYTES:
            raise ArticleError(
                f"{url} is {int(declared) / 2**20:.0f} MB; pages over {MAX_PAGE_BYTES // 2**20} MB are refused"
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > MAX_PAGE_BYTES:
                    raise ArticleError(f"{url} is larger than {MAX_PAGE_BYTES // 2**20} MB; refused")
                chunks.append(chunk)
        except requests.exceptions.RequestException as error:
            raise ArticleError(f"{url}: the download broke off ({error.__class__.__name__})") from None
        return Page(
            response.url,
            b"".join(chunks),
            content_type,
            response.encoding if "charset" in response.headers.get("Content-Type", "") else None,
            response.headers.get("ETag", ""),
            response.headers.get("Last-Modified", ""),
        )
