"""The podcast feed: RSS 2.0 with iTunes and Podcasting 2.0 tags over the episodes in a folder.

Everything an item needs is read back from the episodes themselves (their ID3 tags and sidecars), so the
feed can be rebuilt at any time from the folder alone.
"""

from __future__ import annotations

import contextlib
import email.utils
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from lxml import etree
from mutagen import MutagenError
from mutagen.id3 import ID3NoHeaderError
from mutagen.mp3 import MP3

from .errors import ArticleError, AudioError, ConfigError
from .files import write_atomically
from .metadata import AUDIO_ID, OK, default_cover, sidecar_paths, sidecar_status

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # fixed by the Podcasting 2.0 spec


@dataclass(frozen=True)
class FeedSettings:
    base_url: str
    title: str
    description: str
    author: str
    image: str = ""  # a file; empty: a cover.* already in the folder, else the bundled cover
    category: str = "News"
    explicit: bool = False
    language: str = "en"


@dataclass(frozen=True)
class FeedItem:
    path: Path
    title: str
    description: str
    guid: str
    published: datetime
    duration: float
    length: int
    author: str
    transcript: Path | None
    chapters: Path | None


def read_item(path: Path) -> FeedItem:
    """An episode's feed entry, from its tags and the sidecars beside it."""
    try:
        audio = MP3(path)
    except (MutagenError, OSError) as error:
        raise AudioError(f"{path} is not a readable MP3: {error}") from None
    tags = audio.tags
    if tags is None:
        raise AudioError(f"{path} has no ID3 tags; was it made by newscast?")

    def text(frame: str) -> str:
        return str(tags[frame].text[0]) if frame in tags else ""

    published = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    if text("TDRC"):
        with contextlib.suppress(ValueError):
            published = datetime.fromisoformat(text("TDRC")[:10]).replace(hour=12, tzinfo=UTC)
    transcript, chapters = sidecar_paths(path)
    tied = sidecar_status(path, text(f"TXXX:{AUDIO_ID}"))
    return FeedItem(
        path=path,
        title=text("TIT2") or path.stem,
        description=text("TDES"),
        guid=text("TGID") or str(uuid.uuid5(uuid.NAMESPACE_URL, path.name)),
        published=published,
        duration=audio.info.length,
        length=path.stat().st_size,
        author=text("TPE1"),
        # a sidecar from another build of this name (a build killed between the renames) is not published
        transcript=transcript if tied["transcript"] == OK else None,
        chapters=chapters if tied["chapters"] == OK else None,
    )


def read_items(directory: Path) -> list[FeedItem]:
    """Every episode in the folder, newest first. Files that are not newscast episodes are skipped."""
    items = []
    for path in sorted(directory.glob("*.mp3")):
        try:
            items.append(read_item(path))
        except (AudioError, ID3NoHeaderError):
            continue
    return sorted(items, key=lambda item: (item.published, item.path.name), reverse=True)


def podcast_guid(feed_url: str) -> str:
    """The channel's podcast:guid: a UUIDv5 of the feed URL without its scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def _url(base: str, path: Path, directory: Path) -> str:
    return base.rstrip("/") + "/" + quote(path.relative_to(directory).as_posix())


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _channel_image(directory: Path, settings: FeedSettings) -> Path:
    """The show's image inside the folder, so the feed can point at it."""
    if settings.image:
        source = Path(settings.image)
        if not source.is_file():
            raise ConfigError(f"feed image not found: {source}")
        if source.resolve().parent == directory.resolve():
            return source
        target = directory / f"cover{source.suffix.lower()}"
        write_atomically(target, source.read_bytes())  # a read-only folder is an AudioError, not a traceback
        return target
    existing = sorted(directory.glob("cover.*"))
    if existing:
        return existing[0]
    target = directory / "cover.png"
    write_atomically(target, default_cover())
    return target


def build_feed(directory: Path, settings: FeedSettings, feed_path: Path) -> bytes:
    """The RSS document for the episodes in ``directory``."""
    if not settings.base_url.startswith(("http://", "https://")):
        raise ConfigError(f"the feed needs a base URL starting with http:// or https://, got {settings.base_url!r}")
    feed_url = _url(settings.base_url, feed_path, directory) if feed_path.parent == directory else settings.base_url
    image_url = _url(settings.base_url, _channel_image(directory, settings), directory)
    nsmap = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
    rss = etree.Element("rss", version="2.0", nsmap=nsmap)
    channel = etree.SubElement(rss, "channel")

    def add(parent, tag: str, text: str | None = None, **attributes: str):
        element = etree.SubElement(parent, tag, **attributes)
        if text is not None:
            element.text = text
        return element

    add(channel, "title", settings.title)
    add(channel, "link", settings.base_url)
    add(channel, "description", settings.description or settings.title)
    add(channel, "language", settings.language)
    add(channel, "generator", "newscast")
    add(channel, "lastBuildDate", email.utils.format_datetime(datetime.now(UTC)))
    add(channel, f"{{{ATOM}}}link", href=feed_url, rel="self", type="application/rss+xml")
    image = add(channel, "image")
    add(image, "url", image_url)
    add(image, "title", settings.title)
    add(image, "link", settings.base_url)
    add(channel, f"{{{ITUNES}}}author", settings.author)
    add(channel, f"{{{ITUNES}}}image", href=image_url)
    add(channel, f"{{{ITUNES}}}category", text=settings.category)
    add(channel, f"{{{ITUNES}}}explicit", "true" if settings.explicit else "false")
    add(channel, f"{{{ITUNES}}}type", "episodic")
    add(channel, f"{{{PODCAST}}}guid", podcast_guid(feed_url))
    for item in read_items(directory):
        entry = add(channel, "item")
        add(entry, "title", item.title)
        add(entry, "description", item.description or item.title)
        add(entry, "enclosure", url=_url(settings.base_url, item.path, directory), length=str(item.length),
            type="audio/mpeg")  # fmt: skip
        add(entry, "guid", item.guid, isPermaLink="false")
        add(entry, "pubDate", email.utils.format_datetime(item.published))
        add(entry, f"{{{ITUNES}}}author", item.author or settings.author)
        add(entry, f"{{{ITUNES}}}duration", _duration(item.duration))
        add(entry, f"{{{ITUNES}}}episodeType", "full")
        add(entry, f"{{{ITUNES}}}explicit", "true" if settings.explicit else "false")
        if item.transcript is not None:
            add(entry, f"{{{PODCAST}}}transcript", url=_url(settings.base_url, item.transcript, directory),
                type="text/vtt")  # fmt: skip
        if item.chapters is not None:
            add(entry, f"{{{PODCAST}}}chapters", url=_url(settings.base_url, item.chapters, directory),
                type="application/json+chapters")  # fmt: skip
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_feed(directory: Path, settings: FeedSettings, feed_path: Path | None = None) -> Path:
    """Write (or rewrite) the feed atomically; return its path."""
    if not directory.is_dir():
        raise ArticleError(f"no such folder: {directory}")
    feed_path = feed_path or directory / "feed.xml"
    if feed_path.suffix.lower() in (".mp3", ".vtt", ".json"):
        raise ConfigError(
            f"-o {feed_path} would replace an episode or its sidecar; give the feed a name such as feed.xml"
        )
    write_atomically(feed_path, build_feed(directory, settings, feed_path))
    return feed_path
