"""The podcast feed: RSS 2.0 with iTunes and Podcasting 2.0 tags over the episodes in a folder.

Everything an item needs is read back from the episodes themselves (their ID3 tags and sidecars, through
readback.py), so the feed can be rebuilt at any time from the folder alone.
"""

from __future__ import annotations

import contextlib
import email.utils
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from lxml import etree

from .config import FeedConfig, apple_categories
from .errors import AudioError, ConfigError, InputError
from .files import write_atomically
from .images import check_cover
from .metadata import default_cover
from .models import SidecarStatus, primary_language
from .readback import read_episode, sidecar_paths

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
DESCRIPTION_BYTES = 4000  # PSP-1's limit for channel and item descriptions
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # fixed by the Podcasting 2.0 spec


@dataclass(frozen=True)
class FeedSettings(FeedConfig):
    """The [feed] keys (declared, with their defaults, in config.py) as one feed uses them: ``image`` empty
    means a cover.* already in the folder, else the bundled cover; ``owner_name`` empty means the author."""

    feed_url: str = ""  # empty: the feed's name under base_url


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
    language: str = ""
    link: str = ""  # the article's web address, when it was read from one


def read_item(path: Path) -> FeedItem:
    """An episode's feed entry, from its tags and the sidecars beside it."""
    stored = read_episode(path)
    if not stored.tagged:
        raise AudioError(f"{path} has no ID3 tags; was it made by newscast?")
    published = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    if stored.date:
        with contextlib.suppress(ValueError):
            published = datetime.fromisoformat(stored.date[:10]).replace(hour=12, tzinfo=UTC)
    transcript, chapters = sidecar_paths(path)
    return FeedItem(
        path=path,
        title=stored.title or path.stem,
        description=stored.description,
        guid=stored.guid or str(uuid.uuid5(uuid.NAMESPACE_URL, path.name)),
        published=published,
        duration=stored.duration,
        length=path.stat().st_size,
        author=stored.artist,
        # a sidecar from another build of this name (a build killed between the renames) is not published
        transcript=transcript if stored.sidecars["transcript"] == SidecarStatus.OK else None,
        chapters=chapters if stored.sidecars["chapters"] == SidecarStatus.OK else None,
        language=stored.language,
        link=stored.link,
    )


def read_items(directory: Path) -> list[FeedItem]:
    """Every episode in the folder, newest first. Files that are not newscast episodes are skipped."""
    items = []
    for path in sorted(directory.glob("*.mp3")):
        try:
            items.append(read_item(path))
        except AudioError:
            continue
    return sorted(items, key=lambda item: (item.published, item.path.name), reverse=True)


def podcast_guid(feed_url: str) -> str:
    """The channel's podcast:guid: a UUIDv5 of the feed URL without its scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def _url(base: str, path: Path, directory: Path) -> str:
    return base.rstrip("/") + "/" + quote(path.relative_to(directory).as_posix())


def _within(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` UTF-8 bytes, with an ellipsis when cut."""
    if len(text.encode()) <= limit:
        return text
    cut = text.encode()[: limit - 3].decode(errors="ignore").rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "\u2026"


def feed_self_url(feed_path: Path) -> str:
    """The atom:link rel="self" of a feed on disk; empty if it has none or cannot be read."""
    try:
        links = etree.parse(str(feed_path)).getroot().findall(f"channel/{{{ATOM}}}link[@rel='self']")
    except (OSError, etree.XMLSyntaxError):
        return ""
    return links[0].get("href", "") if links else ""


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _channel_image(directory: Path, settings: FeedSettings) -> Path:
    """The show's image inside the folder, so the feed can point at it; checked as podcast apps would."""
    if settings.image:
        source = Path(settings.image).expanduser()
        image = check_cover(source, "feed image")
        if source.resolve().parent == directory.resolve():
            return source
        target = directory / f"cover{image.suffix}"
        write_atomically(target, source.read_bytes())  # a read-only folder is a clean error, not a traceback
        for stale in directory.glob("cover.*"):  # an earlier cover of another type would be served beside it
            if stale != target and stale.suffix.lower() in (".png", ".jpg", ".jpeg"):
                stale.unlink(missing_ok=True)
        return target
    existing = sorted(path for path in directory.glob("cover.*") if path.suffix.lower() in (".png", ".jpg", ".jpeg"))
    if existing:
        check_cover(existing[0], "the folder's cover image")
        return existing[0]
    target = directory / "cover.png"
    write_atomically(target, default_cover())
    return target


def feed_url(directory: Path, settings: FeedSettings, feed_path: Path) -> str:
    """Where the feed itself is fetched from: inside DIR, its place under the base URL; elsewhere, its name
    beside the episodes (where it has to be published for the enclosure URLs to hold)."""
    if settings.feed_url:
        return settings.feed_url
    try:
        return _url(settings.base_url, feed_path.resolve(), directory.resolve())
    except ValueError:
        return settings.base_url.rstrip("/") + "/" + quote(feed_path.name)


def channel_language(items: list[FeedItem], configured: str) -> str:
    """The language most episodes were read in, else the configured one; the configured one also when it is
    the same language, more precisely (en-GB for episodes in en)."""
    counts = Counter(item.language for item in items if item.language)
    if not counts:
        return configured
    spoken = counts.most_common(1)[0][0]
    return configured if primary_language(configured) == primary_language(spoken) else spoken


def build_feed(directory: Path, settings: FeedSettings, feed_path: Path) -> bytes:
    """The RSS document for the episodes in ``directory``."""
    if not settings.base_url.startswith(("http://", "https://")):
        raise ConfigError(f"the feed needs a base URL starting with http:// or https://, got {settings.base_url!r}")
    if settings.category not in apple_categories():
        allowed = ", ".join(apple_categories())
        raise ConfigError(f"{settings.category!r} is not an Apple Podcasts category; allowed: {allowed}")
    self_url = feed_url(directory, settings, feed_path)
    image_url = _url(settings.base_url, _channel_image(directory, settings), directory)
    items = read_items(directory)
    nsmap = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM}
    rss = etree.Element("rss", version="2.0", nsmap=nsmap)
    channel = etree.SubElement(rss, "channel")

    def add(parent, tag: str, value: str | None = None, /, **attributes: str):
        element = etree.SubElement(parent, tag, **attributes)  # attributes: itunes:category's is named text
        if value is not None:
            element.text = value
        return element

    explicit = "true" if settings.explicit else "false"
    add(channel, f"{{{ATOM}}}link", href=self_url, rel="self", type="application/rss+xml")
    add(channel, "title", settings.title)
    add(channel, "link", settings.base_url)
    add(channel, "description", _within(settings.description or settings.title, DESCRIPTION_BYTES))
    add(channel, "language", channel_language(items, settings.language))
    add(channel, "generator", "newscast")
    add(channel, "lastBuildDate", email.utils.format_datetime(datetime.now(UTC)))
    image = add(channel, "image")
    add(image, "url", image_url)
    add(image, "title", settings.title)
    add(image, "link", settings.base_url)
    add(channel, f"{{{ITUNES}}}author", settings.author)
    owner = add(channel, f"{{{ITUNES}}}owner")
    add(owner, f"{{{ITUNES}}}name", settings.owner_name or settings.author)
    if settings.owner_email:
        add(owner, f"{{{ITUNES}}}email", settings.owner_email)
    add(channel, f"{{{ITUNES}}}image", href=image_url)
    category = add(channel, f"{{{ITUNES}}}category", text=settings.category)
    if settings.subcategory:
        add(category, f"{{{ITUNES}}}category", text=settings.subcategory)
    add(channel, f"{{{ITUNES}}}explicit", explicit)
    add(channel, f"{{{ITUNES}}}type", "episodic")
    locked = {"owner": settings.owner_email} if settings.owner_email else {}
    add(channel, f"{{{PODCAST}}}locked", "yes" if settings.locked else "no", **locked)
    add(channel, f"{{{PODCAST}}}guid", podcast_guid(self_url))
    add(channel, f"{{{PODCAST}}}medium", "podcast")
    for item in items:
        entry = add(channel, "item")
        add(entry, "title", item.title)
        add(entry, "link", item.link or settings.base_url)
        add(entry, "description", _within(item.description or item.title, DESCRIPTION_BYTES))
        add(entry, "enclosure", url=_url(settings.base_url, item.path, directory), length=str(item.length),
            type="audio/mpeg")  # fmt: skip
        add(entry, "guid", item.guid, isPermaLink="false")
        add(entry, "pubDate", email.utils.format_datetime(item.published))
        add(entry, f"{{{ITUNES}}}author", item.author or settings.author)
        add(entry, f"{{{ITUNES}}}duration", _duration(item.duration))
        add(entry, f"{{{ITUNES}}}episodeType", "full")
        add(entry, f"{{{ITUNES}}}explicit", explicit)
        add(entry, f"{{{ITUNES}}}image", href=image_url)
        if item.transcript is not None:
            add(entry, f"{{{PODCAST}}}transcript", url=_url(settings.base_url, item.transcript, directory),
                type="text/vtt", **({"language": item.language} if item.language else {}))  # fmt: skip
        if item.chapters is not None:
            add(entry, f"{{{PODCAST}}}chapters", url=_url(settings.base_url, item.chapters, directory),
                type="application/json+chapters")  # fmt: skip
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def write_feed(directory: Path, settings: FeedSettings, feed_path: Path | None = None) -> Path:
    """Write (or rewrite) the feed atomically; return its path."""
    if not directory.is_dir():
        raise InputError(f"no such folder: {directory}")
    feed_path = feed_path or directory / "feed.xml"
    if feed_path.suffix.lower() in (".mp3", ".vtt", ".json"):
        raise ConfigError(
            f"-o {feed_path} would replace an episode or its sidecar; give the feed a name such as feed.xml"
        )
    write_atomically(feed_path, build_feed(directory, settings, feed_path))
    return feed_path
