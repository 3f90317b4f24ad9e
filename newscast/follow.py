"""Following news feeds: the new items of RSS and Atom feeds become episodes, each once, politely.

A state file in the output folder remembers every item built (by guid, else link) and its episode, the items
still to build (new, or failed last time with the reason) and each feed's validators for conditional requests.
It is rewritten atomically after every change, and the validators only together with the items they brought,
so a run that is killed resumes where it stopped and loses no item.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from .articles import MAX_INPUT_BYTES, read_article, read_text
from .articles.web import fetch, is_url
from .batch import BUILT, FAILED, SKIPPED, ArticleResult, batch_config, build_article, run_scripts, settled_config
from .config import Config
from .errors import ArticleError, ConfigError, NewscastError
from .feed import FeedSettings, write_feed
from .files import write_atomically
from .models import Article, Script, Status
from .naming import episode_stem
from .readback import sidecar_paths
from .script import build_roundup, build_script

__all__ = [
    "BUILT",
    "FAILED",
    "SKIPPED",
    "STATE_NAME",
    "FeedResult",
    "FollowOptions",
    "FollowReport",
    "HostPacer",
    "ItemResult",
    "NewsItem",
    "follow",
    "parse_feed",
]

STATE_NAME = ".newscast-follow.json"
LOCK_NAME = ".newscast-follow.lock"
STATE_VERSION = 1
MAX_ATTEMPTS = 5  # runs an item is tried in before it is given up (listed once more, then left alone)
TEASER_SHARE = 0.5  # a page with less than this share of the words of the feed's own copy is a teaser
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/x-rss+xml",
    "application/xml",
    "text/xml",
    "text/html",  # feeds served with a wrong type are common; the parser decides what they are
    "text/plain",
    "application/octet-stream",
)
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True)
class NewsItem:
    """One item of a news feed: where its article is, and the feed's own copy when it carries one."""

    key: str  # the guid, else the link
    title: str
    link: str = ""  # absolute
    published: str = ""  # ISO 8601, UTC, when the feed dates it
    content: str = ""  # the feed's full content (content:encoded, Atom content), HTML
    feed: str = ""  # the feed it came from

    def to_dict(self) -> dict[str, str]:
        return {name: value for name, value in dataclasses.asdict(self).items() if value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NewsItem:
        names = {item.name for item in dataclasses.fields(cls)}
        return cls(**{key: str(value) for key, value in data.items() if key in names})


@dataclass(frozen=True)
class FollowOptions:
    """How a run goes; the defaults build every new item, one episode each, here and now."""

    limit: int = 0  # new items built per run at most, newest first; 0: all
    since: date | None = None  # items published before this day are ignored
    roundup: bool = False  # one episode of all new items
    force: bool = False  # build again items already built, and fetch feeds unconditionally
    keep: int = 0  # episodes kept in the folder; 0: all
    delay: float = 2.0  # s between two requests to the same host
    cache_dir: Path | None = None
    scheduler: str = ""  # a Dask scheduler's address: the builds run there
    workers: int = 0  # Dask: local worker processes when a client is made without a scheduler
    client: Any = None  # an existing dask.distributed Client (tests)
    feed: FeedSettings | None = None  # refresh the folder's feed with these settings


@dataclass(frozen=True)
class FeedResult:
    """How reading one feed went."""

    source: str
    status: Status  # fetched, unchanged (304) or failed
    items: int = 0  # items it lists
    new: int = 0  # of those, not built yet
    reason: str = ""


@dataclass(frozen=True)
class ItemResult:
    """How one item went: built, failed (retried next run) or skipped (the feed entry is unusable)."""

    key: str
    title: str
    status: Status
    link: str = ""
    episode: str = ""  # file name in the folder
    duration: float = 0.0
    reason: str = ""
    source: str = ""  # page or feed: where the article was read from
    attempts: int = 0
    given_up: bool = False  # failed MAX_ATTEMPTS times: not tried again unless forced


@dataclass
class FollowReport:
    """What a run did."""

    feeds: list[FeedResult] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # episodes trimmed by keep
    waiting: int = 0  # new items left for a later run by the limit
    feed_path: Path | None = None

    @property
    def failed(self) -> bool:
        return any(result.status == Status.FAILED for result in self.feeds) or any(
            result.status == Status.FAILED for result in self.items
        )


Event = FeedResult | ItemResult


class HostPacer:
    """Keeps ``delay`` seconds between two requests to the same host."""

    def __init__(
        self, delay: float, clock: Callable[[], float] | None = None, sleep: Callable[[float], None] | None = None
    ) -> None:
        self.delay = delay
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        if not host:
            return
        if host in self.last:
            remaining = self.last[host] + self.delay - self.clock()
            if remaining > 0:
                self.sleep(remaining)
        self.last[host] = self.clock()


# -- reading feeds ---------------------------------------------------------------------------------------------


def parse_feed(data: bytes, source: str, base: str = "") -> tuple[list[NewsItem], list[ItemResult]]:
    """An RSS or Atom document -> its usable items, and a skipped result for each item that is not usable.

    Relative links are resolved against ``base`` (the feed's URL), else the feed's own link."""
    import feedparser

    parsed = feedparser.parse(data, response_headers={"content-location": base} if base else None)
    if not parsed.get("version") and not parsed.entries:
        detail = f" ({parsed.get('bozo_exception')})" if parsed.get("bozo") else ""
        raise ArticleError(f"{source} is not an RSS or Atom feed{detail}")
    home = urljoin(base, parsed.feed.get("link", "")) if base else parsed.feed.get("link", "")
    items: list[NewsItem] = []
    skipped: list[ItemResult] = []
    for number, entry in enumerate(parsed.entries, start=1):
        title = " ".join(str(entry.get("title", "")).split())
        link = str(entry.get("link", "")).strip()
        link = urljoin(home, link) if link and home else link
        if not is_url(link):
            link = ""
        key = str(entry.get("id", "")).strip() or link
        name = f"item {number} ({title!r})" if title else f"item {number}"
        content = _full_content(entry)
        if not key:
            skipped.append(
                ItemResult(f"{source}#{number}", title, Status.SKIPPED, reason=f"{name} has no guid and no link")
            )
            continue
        if not link and not content:
            reason = f"{name} has no link to read and no content of its own"
            skipped.append(ItemResult(key, title, Status.SKIPPED, reason=reason))
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime(*stamp[:6]).replace(tzinfo=UTC).isoformat() if stamp else ""
        items.append(NewsItem(key, title or link, link, published, content, source))
    return items, skipped


def _full_content(entry: Any) -> str:
    """The item's own article text (RSS content:encoded, Atom content), as HTML; empty when it only has a
    summary."""
    for content in entry.get("content", []):
        value = str(content.get("value", "")).strip()
        if not value:
            continue
        if "html" in str(content.get("type", "")):
            return value
        return "".join(f"<p>{html.escape(part.strip())}</p>" for part in value.split("\n\n") if part.strip())
    return ""


def _read_feed(source: str, validators: dict[str, str], pacer: HostPacer) -> tuple[bytes | None, dict[str, str]]:
    """The feed's bytes (None when a conditional request says it has not changed) and its new validators."""
    if not is_url(source):
        path = Path(source)
        if not path.is_file():
            raise ArticleError(f"no such feed file: {path}")
        try:
            if path.stat().st_size > MAX_INPUT_BYTES:
                raise ArticleError(f"{path} is over {MAX_INPUT_BYTES // 2**20} MB; feeds that large are refused")
            return path.read_bytes(), {}
        except OSError as error:
            raise ArticleError(f"cannot read {path}: {error.strerror or error}") from None
    headers = {"Accept": FEED_ACCEPT}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    pacer.wait(source)
    page = fetch(source, headers=headers, types=FEED_TYPES)
    if page.not_modified:
        return None, validators
    return page.content, {
        name: value for name, value in (("etag", page.etag), ("last_modified", page.last_modified)) if value
    }


# -- reading articles ------------------------------------------------------------------------------------------


def read_item(item: NewsItem, pacer: HostPacer) -> tuple[Article, str]:
    """The item's article: from its page, else (when the page cannot be had, or holds much less than the feed's
    own copy, as a paywall or teaser page does) from the feed's full content. Returns the article and where it
    came from (page or feed)."""
    page_error: ArticleError | None = None
    page: Article | None = None
    if item.link:
        pacer.wait(item.link)
        try:
            page = _dated(read_article(item.link), item)
        except ArticleError as error:
            page_error = error
    if not item.content:
        if page is not None:
            return page, "page"
        raise page_error or ArticleError(f"{item.title}: the item has no link and no content to read")
    try:
        own = _dated(_article_from_content(item), item)
    except ArticleError as error:
        if page is not None:
            return page, "page"
        if page_error is None:
            raise
        raise ArticleError(f"{page_error}; the feed's own content did not do either: {error}") from None
    if page is not None and _words(page) >= TEASER_SHARE * _words(own):
        return page, "page"
    return own, "feed"


def _words(article: Article) -> int:
    return sum(len(block.text.split()) for block in article.blocks)


def _article_from_content(item: NewsItem) -> Article:
    title = html.escape(item.title)
    page = (
        f"<!DOCTYPE html><html><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{item.content}</article></body></html>"
    )
    article = read_text(page, item.link or item.feed, item.link or None)
    return article if article.headline else dataclasses.replace(article, headline=item.title)


def _dated(article: Article, item: NewsItem) -> Article:
    """The feed's date when the page has none: it names the episode and dates it in the podcast feed."""
    if article.iso_date or not item.published:
        return article
    return dataclasses.replace(article, iso_date=item.published[:10], date=article.date or item.published[:10])


# -- state -----------------------------------------------------------------------------------------------------


class FollowState:
    """The state file: ``feeds`` (validators), ``built`` (item -> episode), ``pending`` (items to build, with
    their failures) and ``episodes`` (file -> when built, which items)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {"version": STATE_VERSION, "feeds": {}, "built": {}, "pending": {}, "episodes": {}}
        if path.exists():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                raise ConfigError(
                    f"the follow state {path} is damaged ({error}); move it away to start afresh "
                    "(items already built would then be built again)"
                ) from None
            if not isinstance(loaded, dict) or loaded.get("version") != STATE_VERSION:
                raise ConfigError(f"{path} is not a newscast follow state this version can read")
            for name in self.data:
                self.data[name] = loaded.get(name, self.data[name])

    @property
    def feeds(self) -> dict[str, dict[str, str]]:
        return self.data["feeds"]

    @property
    def built(self) -> dict[str, dict[str, Any]]:
        return self.data["built"]

    @property
    def pending(self) -> dict[str, dict[str, Any]]:
        return self.data["pending"]

    @property
    def episodes(self) -> dict[str, dict[str, Any]]:
        return self.data["episodes"]

    def save(self) -> None:
        write_atomically(self.path, json.dumps(self.data, indent=1, ensure_ascii=False) + "\n")


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One run at a time per folder: a cron line that fires while the last run still builds steps aside."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock
        yield
        return
    with open(directory / LOCK_NAME, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NewscastError(f"another newscast follow is running in {directory}; try again later") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- the run ---------------------------------------------------------------------------------------------------


def follow(
    feeds: Sequence[str],
    out_dir: Path,
    config: Config,
    options: FollowOptions = FollowOptions(),  # frozen, never mutated
    on_event: Callable[[Event], None] = lambda event: None,
) -> FollowReport:
    """Read the feeds, build what is new into ``out_dir``, trim to ``keep``, refresh the podcast feed.

    Never raises for one bad feed or item: they are in the report (and given to ``on_event`` as they happen).
    """
    if not feeds:
        raise ConfigError("no feed given: name one or more feed URLs or files, or set follow.feeds in the config")
    if options.feed is not None and not options.feed.base_url:
        raise ConfigError("refreshing the feed needs feed.base_url in the config (where the episodes are served)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(f"cannot use {out_dir} as the output folder: {error.strerror or error}") from None
    with _locked(out_dir):
        return _Run(out_dir, config, options, on_event).run(feeds)


class _Run:
    def __init__(self, out_dir: Path, config: Config, options: FollowOptions, on_event: Callable[[Event], None]):
        self.out_dir = out_dir
        self.config = config
        self.options = options
        self.on_event = on_event
        self.state = FollowState(out_dir / STATE_NAME)
        self.pacer = HostPacer(options.delay)
        self.report = FollowReport()
        self.changed = False

    def emit(self, event: Event) -> None:
        if isinstance(event, FeedResult):
            self.report.feeds.append(event)
        else:
            self.report.items.append(event)
        self.on_event(event)

    def run(self, feeds: Sequence[str]) -> FollowReport:
        seen: set[str] = set()
        for source in dict.fromkeys(feeds):
            self.check_feed(source, seen)
        items = self.due(set(feeds))
        if items:
            self.build(items)
        self.trim()
        settings = self.options.feed
        if settings is not None and (self.changed or not (self.out_dir / "feed.xml").exists()):
            self.report.feed_path = write_feed(self.out_dir, settings)
        return self.report

    def check_feed(self, source: str, seen: set[str]) -> None:
        """Fetch one feed and queue its new items; the validators are saved with the queue, atomically."""
        validators = {} if self.options.force else dict(self.state.feeds.get(source, {}))
        try:
            data, validators = _read_feed(source, validators, self.pacer)
            if data is None:
                self.emit(FeedResult(source, Status.UNCHANGED))
                return
            items, skipped = parse_feed(data, source, source if is_url(source) else "")
        except NewscastError as error:
            self.emit(FeedResult(source, Status.FAILED, reason=str(error)))
            return
        for result in skipped:
            self.emit(result)
        new = 0
        for item in items:
            if item.key in seen:
                continue  # the same story in two feeds (or twice in one) is built once
            seen.add(item.key)
            if item.key in self.state.built and not self.options.force:
                continue
            if self._too_old(item):
                continue
            new += 1
            queued = self.state.pending.get(item.key, {})
            self.state.pending[item.key] = {**queued, "item": item.to_dict()}
        self.state.feeds[source] = validators
        self.state.save()
        self.emit(FeedResult(source, Status.FETCHED, len(items), new))

    def _too_old(self, item: NewsItem) -> bool:
        return bool(self.options.since and item.published and item.published[:10] < self.options.since.isoformat())

    def due(self, feeds: set[str]) -> list[NewsItem]:
        """What this run builds: the queue of these feeds (new items and earlier failures), newest first, up to
        the limit."""
        queued = [NewsItem.from_dict(entry["item"]) for entry in self.state.pending.values()]
        queued = [item for item in queued if item.feed in feeds and not self._too_old(item)]
        # newest first (a stable sort keeps feed order among equals); undated items after the dated ones
        dated = sorted((item for item in queued if item.published), key=lambda item: item.published, reverse=True)
        queued = dated + [item for item in queued if not item.published]
        limit = self.options.limit
        if limit and len(queued) > limit:
            self.report.waiting = len(queued) - limit
            queued = queued[:limit]
        return queued

    def build(self, items: list[NewsItem]) -> None:
        """Read the items' articles, then build them: oldest first, one episode each, or one roundup (whose
        stories are in the order ``roundup.order`` says, newest first when it is ``given``)."""
        if not self.options.roundup:
            items = items[::-1]
        articles: list[tuple[NewsItem, Article, str]] = []
        for item in items:
            try:
                article, where = read_item(item, self.pacer)
            except NewscastError as error:
                self.failed(item, str(error))
                continue
            except Exception as error:  # a bug on one page must not sink the run; the summary shows it
                self.failed(item, repr(error))
                continue
            articles.append((item, article, where))
        if not articles:
            return
        if self.options.roundup:
            script = build_roundup([article for _, article, _ in articles], self.config)
            chosen = [(item, where) for item, _, where in articles]
            self.speak([(script, chosen)])
        else:
            self.speak([(build_script(article, self.config), [(item, where)]) for item, article, where in articles])

    def speak(self, jobs: list[tuple[Script, list[tuple[NewsItem, str]]]]) -> None:
        """Build each script into one episode, here or on Dask, and record each as it finishes."""
        named: list[tuple[str, Script, str]] = []
        taken: set[str] = set()
        for number, (script, covered) in enumerate(jobs):
            name = self.episode_name(script, [item for item, _ in covered], taken)
            taken.add(name)
            named.append((str(number), script, name))

        def record(result: ArticleResult) -> None:
            self.finished(result, jobs[int(result.source)][1])

        options = self.options
        if options.scheduler or options.client is not None:
            # a cluster that cannot be had raises: the items stay queued for the next run, no attempt counted
            config = batch_config(self.config, options.scheduler, options.workers, options.client)
            run_scripts(named, self.out_dir, config, options.scheduler, options.workers, True, options.cache_dir,
                        options.client, record)  # fmt: skip
            return
        config = settled_config(self.config)  # `auto` probed once for the run, not once per item
        for source, script, name in named:
            cache_dir = str(options.cache_dir or "")
            record(build_article(source, script, name, str(self.out_dir), config, True, cache_dir))

    def episode_name(self, script: Script, items: list[NewsItem], taken: set[str]) -> str:
        """``<date>-<slug>.mp3``, kept for an item built before; never a file that is not this item's own."""
        if len(items) == 1:
            earlier = self.state.built.get(items[0].key, {}).get("episode", "")
            if earlier and earlier in self.state.episodes:
                return earlier
        stem = episode_stem(script)
        for number in range(1, 1000):
            name = f"{stem}.mp3" if number == 1 else f"{stem}-{number}.mp3"
            if name not in taken and name not in self.state.episodes and not (self.out_dir / name).exists():
                return name
        return f"{stem}-{hashlib.sha256(items[0].key.encode()).hexdigest()[:8]}.mp3"

    def finished(self, result: ArticleResult, covered: list[tuple[NewsItem, str]]) -> None:
        if result.status != Status.BUILT:
            for item, _ in covered:
                self.failed(item, result.reason)
            return
        name = Path(result.output).name
        now = _now()
        sequence = max((int(entry.get("sequence", 0)) for entry in self.state.episodes.values()), default=0) + 1
        self.state.episodes[name] = {
            "built": now, "sequence": sequence, "date": name[:10], "title": result.title,
            "items": [item.key for item, _ in covered],
        }  # fmt: skip
        for item, _ in covered:
            self.state.built[item.key] = {
                "episode": name, "title": item.title, "link": item.link, "feed": item.feed, "built": now,
            }  # fmt: skip
            self.state.pending.pop(item.key, None)
        self.state.save()
        self.changed = True
        for item, where in covered:
            self.emit(ItemResult(item.key, item.title, Status.BUILT, item.link, name, result.duration, source=where))

    def failed(self, item: NewsItem, reason: str) -> None:
        entry = self.state.pending.setdefault(item.key, {"item": item.to_dict()})
        entry["attempts"] = attempts = int(entry.get("attempts", 0)) + 1
        entry["reason"] = reason
        given_up = attempts >= MAX_ATTEMPTS
        if given_up:  # recorded as done without an episode: only --force tries it again
            self.state.pending.pop(item.key)
            self.state.built[item.key] = {
                "episode": "", "title": item.title, "link": item.link, "feed": item.feed, "built": _now(),
                "failed": reason,
            }  # fmt: skip
        self.state.save()
        self.emit(ItemResult(item.key, item.title, Status.FAILED, item.link, reason=reason, attempts=attempts,
                             given_up=given_up))  # fmt: skip

    def trim(self) -> None:
        """Keep the newest ``keep`` episodes this state recorded (by their date, then the order they were built);
        remove the older ones and their sidecars."""
        keep = self.options.keep
        if not keep or len(self.state.episodes) <= keep:
            return

        def age(pair: tuple[str, dict[str, Any]]) -> tuple[str, int, str]:
            name, entry = pair
            return str(entry.get("date", "")), int(entry.get("sequence", 0)), name

        ordered = sorted(self.state.episodes.items(), key=age)
        for name, _ in ordered[: len(ordered) - keep]:
            mp3 = self.out_dir / name
            if mp3.name != name or mp3.suffix != ".mp3":  # a state file edited to point elsewhere
                continue
            for path in (mp3, *sidecar_paths(mp3)):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            del self.state.episodes[name]
            self.report.removed.append(name)
        self.state.save()
        self.changed = True


def default_directory(config: Config) -> Path:
    """Where ``newscast follow`` writes when no --out-dir is given: follow.directory, else output.directory."""
    return Path(os.path.expanduser(config.follow.directory or config.output.directory))
