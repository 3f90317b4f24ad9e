"""A folder of episodes served the way podcast apps fetch it: HEAD, byte ranges (206), ETags, right types.

Apple Podcasts and most apps seek in an episode with Range requests, and refuse hosts that ignore them (as
``python -m http.server`` does). Werkzeug's ``send_file`` answers Range, If-Range, If-None-Match and
If-Modified-Since; this module only decides which files are served and with which content type.
"""

from __future__ import annotations

import socket
from pathlib import Path

from werkzeug.exceptions import HTTPException
from werkzeug.security import safe_join
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.utils import redirect, send_file
from werkzeug.wrappers import Request, Response

from .errors import ConfigError, InputError

FEED_NAME = "feed.xml"
# What a podcast app asks for, by name ending; nothing else in the folder is served.
CONTENT_TYPES = (
    (".chapters.json", "application/json+chapters"),
    (".mp3", "audio/mpeg"),
    (".vtt", "text/vtt; charset=utf-8"),
    (".xml", "application/rss+xml; charset=utf-8"),
    (".png", "image/png"),
    (".jpg", "image/jpeg"),
    (".jpeg", "image/jpeg"),
)


def content_type(name: str) -> str | None:
    """The type a file is served with, or None if it is not part of a podcast."""
    lowered = name.lower()
    return next((kind for suffix, kind in CONTENT_TYPES if lowered.endswith(suffix)), None)


class EpisodeFolder:
    """The WSGI application: GET and HEAD for the feed, episodes, sidecars and cover in one folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()

    def __call__(self, environ, start_response):
        try:
            response = self.respond(Request(environ))
        except HTTPException as error:  # e.g. 416 for a range past the end
            response = error.get_response(environ)
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("only GET and HEAD\n", 405, {"Allow": "GET, HEAD"}, mimetype="text/plain")
        name = request.path.lstrip("/")
        if not name:
            return redirect(f"/{FEED_NAME}")
        path = safe_join(str(self.directory), name)
        kind = content_type(name)
        hidden = any(part.startswith(".") for part in name.split("/"))
        if path is None or kind is None or hidden or not Path(path).is_file():
            return Response("not found\n", 404, mimetype="text/plain")
        response = send_file(path, request.environ, mimetype=kind, conditional=True, etag=True, max_age=60)
        response.headers["Access-Control-Allow-Origin"] = "*"  # web players fetch chapters and transcripts
        return response


def open_server(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> BaseWSGIServer:
    """A threaded HTTP server for the folder, bound and ready for ``serve_forever``."""
    if not directory.is_dir():
        raise InputError(f"no such folder: {directory}")
    try:
        return make_server(host, port, EpisodeFolder(directory), threaded=True)
    except OSError as error:
        raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    except SystemExit:  # werkzeug exits when the port is taken
        raise ConfigError(f"cannot listen on {host}:{port}: the port is in use") from None


def listening_url(server: BaseWSGIServer) -> str:
    """The base URL others reach the server at; for a wildcard address, this machine's address on the LAN."""
    host = server.host
    if host in ("0.0.0.0", "::", ""):
        host = lan_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{server.server_port}"


def lan_address() -> str:
    """This machine's address on its local network (no packet is sent), else the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.168.255.255", 9))  # UDP connect only picks the route and the source address
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
