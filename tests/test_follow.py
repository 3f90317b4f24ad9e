"""newscast follow: feeds and pages served from 127.0.0.1, built with the tone engine."""

from __future__ import annotations

import json
from datetime import date
from html import escape
from pathlib import Path

import pytest
import soundfile
from typer.testing import CliRunner
from werkzeug.wrappers import Request, Response

from newscast import load_config
from newscast.cli import app
from newscast.errors import ConfigError, NewscastError
from newscast.feed import FeedSettings
from newscast.follow import (
    BUILT,
    FAILED,
    SKIPPED,
    STATE_NAME,
    FollowOptions,
    HostPacer,
    NewsItem,
    follow,
    parse_feed,
    read_item,
)
from newscast.metadata import read_info

from .conftest import ToneEngine

# Stories written for these tests; they describe no real event.
STORIES = {
    "seeds": (
        "Library lends seeds as well as books",
        "2026-11-20T07:30:00Z",
        [
            "The public library in Millbrook has opened a shelf of seed packets that residents may borrow, plant "
            "and return as seeds at the end of the season.",
            "Librarian Oren Pasco said the idea came from gardeners who swapped seeds in the reading room every "
            'spring. "We simply gave them a drawer and a card catalogue," he said.',
            "More than forty varieties of beans, squash and herbs are on offer.",
        ],
    ),
    "late-train": (
        "Valley line adds a late train on Saturdays",
        "2026-11-21T09:00:00Z",
        [
            "Commuters on the Valley line will get a train leaving the city at half past midnight on Saturdays "
            "from next month, the regional rail authority said on Friday.",
            "The authority said ridership after ten in the evening had doubled since the spring, mostly "
            "restaurant and theatre staff heading home after late shifts.",
            "The trial will run for six months before a decision on a permanent timetable.",
        ],
    ),
    "robot-boat": (
        "Students build a boat that skims litter from the river",
        "2026-11-22T15:45:00Z",
        [
            "A robotics club at Eastbrook High School has built a small solar-powered boat that collects "
            "floating litter from the Ashwater river.",
            "The boat steers itself along the bank and returns to its dock when its basket is full, club "
            "captain Mira Sandoval explained during a demonstration on Thursday.",
            "The town council has asked the students to run it every weekend until the end of the year.",
        ],
    ),
    "bakery": (
        "Bakery cooperative opens its doors before dawn",
        "2026-11-23T05:00:00Z",
        [
            "Six bakers who pooled their savings to buy the old mill bakery on Pine Street opened for business "
            "at five o'clock on Monday morning.",
            "The cooperative shares its profits equally and sells yesterday's loaves at half price to the "
            "neighbouring shelter, co-founder Luis Brandt said.",
            "A queue had formed outside before the lights came on.",
        ],
    ),
}


def page_html(slug: str) -> str:
    headline, published, paragraphs = STORIES[slug]
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><title>{escape(headline)} | The Valley Ledger</title>"
        f'<meta property="article:published_time" content="{published}"></head><body>'
        '<nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>'
        f'<article><h1>{escape(headline)}</h1><p class="byline">By Dana Whitfield</p>{body}</article>'
        "<footer>The Valley Ledger, all rights reserved</footer></body></html>"
    )


def rss_item(slug: str, link: str | None = None, content: bool = False, guid: bool = True) -> str:
    headline, published, paragraphs = STORIES[slug]
    stamp = date.fromisoformat(published[:10]).strftime("%a, %d %b %Y") + " " + published[11:19] + " GMT"
    full = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return (
        f"<item><title>{escape(headline)}</title>"
        + (f"<link>{link if link is not None else f'/news/{slug}.html'}</link>" if link != "" else "")
        + (f'<guid isPermaLink="false">ledger-{slug}</guid>' if guid else "")
        + f"<pubDate>{stamp}</pubDate><description>{escape(paragraphs[0][:60])}</description>"
        + (f"<content:encoded><![CDATA[{full}]]></content:encoded>" if content else "")
        + "</item>"
    )


def rss(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>The Valley Ledger</title><link>/news/</link><description>Local news</description>"
        + "".join(items)
        + "</channel></rss>"
    )


def atom(*slugs: str, content: bool = True, base: str = "") -> str:
    entries = []
    for slug in slugs:
        headline, published, paragraphs = STORIES[slug]
        full = escape("".join(f"<p>{escape(text)}</p>" for text in paragraphs))
        entries.append(
            f"<entry><title>{escape(headline)}</title><id>urn:ledger:{slug}</id>"
            f'<link rel="alternate" href="{base}/news/{slug}.html"/><published>{published}</published>'
            f"<updated>{published}</updated><summary>{escape(paragraphs[0][:60])}</summary>"
            + (f'<content type="html">{full}</content>' if content else "")
            + "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>The Valley Ledger</title><id>urn:ledger</id><updated>2026-11-23T05:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    )


class FeedServer:
    """A feed on 127.0.0.1 that answers conditional requests with 304 while it has not changed."""

    def __init__(self, httpserver, path: str = "/feed.xml", content_type: str = "application/rss+xml") -> None:
        self.httpserver = httpserver
        self.path = path
        self.content_type = content_type
        self.body = ""
        self.version = 0
        self.answers: list[int] = []
        self.conditional: list[str] = []
        httpserver.expect_request(path).respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.httpserver.url_for(self.path)

    def publish(self, body: str) -> None:
        self.body = body
        self.version += 1

    def handle(self, request: Request) -> Response:
        etag = f'"v{self.version}"'
        self.conditional.append(request.headers.get("If-None-Match", ""))
        if request.headers.get("If-None-Match") == etag:
            self.answers.append(304)
            return Response(status=304, headers={"ETag": etag})
        self.answers.append(200)
        return Response(self.body, content_type=f"{self.content_type}; charset=utf-8", headers={"ETag": etag})


def serve_pages(httpserver, *slugs: str) -> None:
    for slug in slugs:
        httpserver.expect_request(f"/news/{slug}.html").respond_with_data(
            page_html(slug), content_type="text/html; charset=utf-8"
        )


@pytest.fixture
def config():
    return load_config(overrides={"speech": {"engine": "tone"}, "feed": {"base_url": "http://127.0.0.1:8000"}})


@pytest.fixture
def options(tmp_path):
    return FollowOptions(delay=0, cache_dir=tmp_path / "cache")


def built(report) -> list:
    return [item for item in report.items if item.status == BUILT]


def check_episode(path: Path) -> float:
    samples, rate = soundfile.read(path)
    duration = len(samples) / rate
    assert duration > 3
    assert path.with_suffix(".vtt").is_file() and path.with_suffix(".chapters.json").is_file()
    return duration


def test_three_new_items_give_three_episodes_a_rerun_none_and_a_new_item_one(httpserver, tmp_path, config, options):
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds"), rss_item("late-train"), rss_item("robot-boat")))
    serve_pages(httpserver, "seeds", "late-train", "robot-boat", "bakery")
    out = tmp_path / "show"
    events = []

    first = follow([feed.url], out, config, options, on_event=events.append)
    assert [item.status for item in first.items] == [BUILT] * 3
    assert events == [*first.feeds, *first.items]
    assert first.feeds[0].status == "fetched" and first.feeds[0].new == 3
    names = {item.episode for item in first.items}
    assert names == {
        "2026-11-22-students-build-a-boat-that-skims-litter-from-the-river.mp3",
        "2026-11-21-valley-line-adds-a-late-train-on-saturdays.mp3",
        "2026-11-20-library-lends-seeds-as-well-as-books.mp3",
    }
    assert first.items[0].title == STORIES["seeds"][0]  # built oldest first, so the show is in order
    for item in first.items:
        assert item.source == "page"
        assert item.link == httpserver.url_for(f"/news/{item.key.removeprefix('ledger-')}.html")  # relative link
        assert check_episode(out / item.episode) == pytest.approx(item.duration, abs=0.05)
        assert read_info(out / item.episode).tags["title"] == item.title
    state = json.loads((out / STATE_NAME).read_text())
    assert set(state["built"]) == {"ledger-seeds", "ledger-late-train", "ledger-robot-boat"}
    assert state["built"]["ledger-seeds"]["episode"] == "2026-11-20-library-lends-seeds-as-well-as-books.mp3"
    assert state["pending"] == {}
    assert state["feeds"][feed.url] == {"etag": '"v1"'}

    calls = len(ToneEngine.calls)
    again = follow([feed.url], out, config, options)
    assert again.items == [] and again.feeds[0].status == "unchanged"
    assert feed.answers == [200, 304] and feed.conditional == ["", '"v1"']
    assert len(ToneEngine.calls) == calls

    feed.publish(rss(rss_item("bakery"), rss_item("seeds"), rss_item("late-train"), rss_item("robot-boat")))
    third = follow([feed.url], out, config, options)
    assert [(item.status, item.title) for item in third.items] == [(BUILT, STORIES["bakery"][0])]
    assert third.feeds[0].new == 1
    assert len(list(out.glob("*.mp3"))) == 4


def test_a_page_that_404s_fails_and_is_retried_next_run(httpserver, tmp_path, config, options):
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds"), rss_item("late-train")))
    serve_pages(httpserver, "seeds")
    httpserver.expect_oneshot_request("/news/late-train.html").respond_with_data("gone", status=404)
    out = tmp_path / "show"

    first = follow([feed.url], out, config, options)
    statuses = {item.title: (item.status, item.reason) for item in first.items}
    status, reason = statuses[STORIES["late-train"][0]]
    assert status == FAILED and "404" in reason
    assert statuses[STORIES["seeds"][0]][0] == BUILT
    assert first.failed
    state = json.loads((out / STATE_NAME).read_text())
    assert state["pending"]["ledger-late-train"]["attempts"] == 1
    assert "404" in state["pending"]["ledger-late-train"]["reason"]

    serve_pages(httpserver, "late-train")  # the page is back; the feed has not changed and answers 304
    second = follow([feed.url], out, config, options)
    assert second.feeds[0].status == "unchanged"
    assert [(item.status, item.title) for item in second.items] == [(BUILT, STORIES["late-train"][0])]
    assert not second.failed
    assert json.loads((out / STATE_NAME).read_text())["pending"] == {}


def test_an_item_that_keeps_failing_is_given_up(httpserver, tmp_path, config, options, monkeypatch):
    monkeypatch.setattr("newscast.follow.MAX_ATTEMPTS", 2)
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds")))
    httpserver.expect_request("/news/seeds.html").respond_with_data("no", status=500)
    out = tmp_path / "show"
    assert follow([feed.url], out, config, options).items[0].given_up is False
    second = follow([feed.url], out, config, options).items[0]
    assert second.status == FAILED and second.given_up and second.attempts == 2
    assert follow([feed.url], out, config, options).items == []


def test_full_content_is_read_when_the_page_cannot_be_fetched(httpserver, tmp_path, config, options):
    feed = FeedServer(httpserver, "/atom.xml", "application/atom+xml")
    feed.publish(atom("seeds", "late-train", content=True))
    serve_pages(httpserver, "seeds")
    httpserver.expect_request("/news/late-train.html").respond_with_data("down", status=503)
    out = tmp_path / "show"

    report = follow([feed.url], out, config, options)
    by_title = {item.title: item for item in report.items}
    from_page, from_feed = by_title[STORIES["seeds"][0]], by_title[STORIES["late-train"][0]]
    assert (from_page.status, from_page.source) == (BUILT, "page")
    assert (from_feed.status, from_feed.source) == (BUILT, "feed")
    assert from_feed.key == "urn:ledger:late-train"
    assert from_feed.episode == "2026-11-21-valley-line-adds-a-late-train-on-saturdays.mp3"  # the feed's date
    transcript = (out / from_feed.episode).with_suffix(".vtt").read_text()
    assert "half past midnight" in transcript and STORIES["late-train"][0] in transcript


def test_a_teaser_page_gives_way_to_the_feeds_full_content(httpserver, tmp_path, config, options):
    feed = FeedServer(httpserver, "/atom.xml", "application/atom+xml")
    feed.publish(atom("bakery", "seeds", content=True))
    serve_pages(httpserver, "seeds")
    headline = STORIES["bakery"][0]
    teaser = (
        f"<!DOCTYPE html><html><head><title>{escape(headline)}</title></head><body><article>"
        f"<h1>{escape(headline)}</h1><p>Six bakers who pooled their savings opened on Pine Street on Monday.</p>"
        "<p>Subscribe to read the full story.</p>"
        "</article></body></html>"
    )
    httpserver.expect_request("/news/bakery.html").respond_with_data(teaser, content_type="text/html")
    report = follow([feed.url], tmp_path / "show", config, options)
    sources = {item.title: item.source for item in report.items}
    assert sources == {headline: "feed", STORIES["seeds"][0]: "page"}  # a full page is still read from the page
    bakery = next(item for item in report.items if item.title == headline)
    assert "half price" in (tmp_path / "show" / bakery.episode).with_suffix(".vtt").read_text()


def test_without_full_content_an_unreachable_page_fails(httpserver, tmp_path, config, options):
    feed = FeedServer(httpserver, "/atom.xml", "application/atom+xml")
    feed.publish(atom("robot-boat", content=False))
    httpserver.expect_request("/news/robot-boat.html").respond_with_data("down", status=503)
    report = follow([feed.url], tmp_path / "show", config, options)
    assert [(item.status, "503" in item.reason) for item in report.items] == [(FAILED, True)]


def test_bad_items_are_skipped_with_a_reason_and_a_bad_feed_fails(httpserver, tmp_path, config, options):
    feed = FeedServer(httpserver)
    nothing = "<item><description>An item with neither a link nor a guid.</description></item>"
    feed.publish(rss(rss_item("bakery"), nothing, rss_item("seeds", link="", guid=True)))
    serve_pages(httpserver, "bakery")
    httpserver.expect_request("/broken.xml").respond_with_data("<html><body>Not a feed</body></html>")
    httpserver.expect_request("/image.png").respond_with_data(b"\x89PNG", content_type="image/png")
    missing = tmp_path / "nowhere.xml"

    report = follow([feed.url, httpserver.url_for("/broken.xml"), httpserver.url_for("/image.png"), str(missing)],
                    tmp_path / "show", config, options)  # fmt: skip
    assert [item.status for item in report.items] == [SKIPPED, SKIPPED, BUILT]
    assert "no guid and no link" in report.items[0].reason
    assert "no link to read and no content" in report.items[1].reason
    assert STORIES["seeds"][0] in report.items[1].reason
    failed = [(result.status, result.reason) for result in report.feeds[1:]]
    assert failed[0][0] == FAILED and "not an RSS or Atom feed" in failed[0][1]
    assert failed[1][0] == FAILED and "image/png" in failed[1][1]
    assert failed[2][0] == FAILED and "no such feed file" in failed[2][1]
    assert report.failed


def test_a_feed_file_with_relative_links_reads_them_against_its_own_link(httpserver, tmp_path, config, options):
    serve_pages(httpserver, "robot-boat")
    home = httpserver.url_for("/news/")
    path = tmp_path / "ledger.xml"
    path.write_text(
        rss(rss_item("robot-boat", link="robot-boat.html")).replace("<link>/news/</link>", f"<link>{home}</link>")
    )
    report = follow([str(path)], tmp_path / "show", config, options)
    assert [(item.status, item.link) for item in report.items] == [(BUILT, home + "robot-boat.html")]


def test_roundup_gives_one_episode_with_a_chapter_per_story(httpserver, tmp_path, config, tmp_path_factory):
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds"), rss_item("late-train"), rss_item("robot-boat", content=True)))
    serve_pages(httpserver, "seeds", "late-train")
    httpserver.expect_request("/news/robot-boat.html").respond_with_data("moved", status=410)
    out = tmp_path / "show"
    options = FollowOptions(delay=0, roundup=True, feed=FeedSettings("http://127.0.0.1:8000", "Ledger", "", "L"))

    report = follow([feed.url], out, config, options)
    assert [item.status for item in report.items] == [BUILT] * 3
    episodes = {item.episode for item in report.items}
    assert len(episodes) == 1 and list(out.glob("*.mp3")) == [out / episodes.pop()]
    info = read_info(next(out.glob("*.mp3")))
    titles = [chapter["title"] for chapter in info.chapters]
    for slug in ("seeds", "late-train", "robot-boat"):
        assert STORIES[slug][0] in titles
    assert titles.index(STORIES["robot-boat"][0]) < titles.index(STORIES["seeds"][0])  # newest first
    assert report.feed_path == out / "feed.xml" and "<enclosure" in report.feed_path.read_text()

    feed.publish(rss(rss_item("bakery"), rss_item("seeds"), rss_item("late-train"), rss_item("robot-boat")))
    serve_pages(httpserver, "bakery")
    second = follow([feed.url], out, config, options)
    assert [(item.status, item.title) for item in second.items] == [(BUILT, STORIES["bakery"][0])]
    assert len(list(out.glob("*.mp3"))) == 2  # a second show on the same day gets a name of its own


def test_keep_trims_the_oldest_episodes_and_only_those_newscast_recorded(httpserver, tmp_path, config, options):
    out = tmp_path / "show"
    out.mkdir()
    mine = out / "2020-01-01-my-own-recording.mp3"
    mine.write_bytes(b"not newscast's")
    (out / "notes.vtt").write_text("WEBVTT\n")
    feed = FeedServer(httpserver)
    serve_pages(httpserver, *STORIES)
    keep = FollowOptions(delay=0, keep=2, feed=FeedSettings("http://127.0.0.1:8000", "Ledger", "", "L"))
    names = []
    published = []
    for slug in ("seeds", "late-train", "robot-boat"):  # one new item per run
        published.insert(0, rss_item(slug))
        feed.publish(rss(*published))
        report = follow([feed.url], out, config, keep)
        names.append(built(report)[0].episode)
    assert report.removed == [names[0]]
    assert not (out / names[0]).exists()
    assert not (out / names[0]).with_suffix(".vtt").exists()
    assert not (out / names[0]).with_suffix(".chapters.json").exists()
    for name in names[1:]:
        assert (out / name).is_file() and (out / name).with_suffix(".vtt").is_file()
    assert mine.read_bytes() == b"not newscast's" and (out / "notes.vtt").is_file()
    feed_xml = (out / "feed.xml").read_text()
    assert names[0] not in feed_xml and names[1] in feed_xml and names[2] in feed_xml
    state = json.loads((out / STATE_NAME).read_text())
    assert set(state["episodes"]) == set(names[1:])
    assert "ledger-seeds" in state["built"]  # still known: a trimmed item is not built again
    assert follow([feed.url], out, config, keep).items == []


def test_a_killed_run_resumes_with_the_items_it_had_not_built(httpserver, tmp_path, config, options):
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds"), rss_item("late-train"), rss_item("robot-boat")))
    serve_pages(httpserver, "seeds", "late-train", "robot-boat")
    out = tmp_path / "show"

    def killed(event) -> None:
        if getattr(event, "status", "") == BUILT:
            raise KeyboardInterrupt  # stands in for a kill after the first episode

    with pytest.raises(KeyboardInterrupt):
        follow([feed.url], out, config, options, on_event=killed)
    assert len(list(out.glob("*.mp3"))) == 1
    resumed = follow([feed.url], out, config, options)
    assert resumed.feeds[0].status == "unchanged"  # the feed has nothing new, yet two items were never built
    assert [item.title for item in resumed.items] == [STORIES[s][0] for s in ("late-train", "robot-boat")]
    assert len(list(out.glob("*.mp3"))) == 3


@pytest.mark.slow
def test_limit_since_and_force(httpserver, tmp_path, config, options):
    feed = FeedServer(httpserver)
    feed.publish(rss(*(rss_item(slug) for slug in STORIES)))
    serve_pages(httpserver, *STORIES)
    out = tmp_path / "show"
    since = FollowOptions(delay=0, since=date(2026, 11, 21), limit=2)

    first = follow([feed.url], out, config, since)
    assert [item.title for item in first.items] == [STORIES["robot-boat"][0], STORIES["bakery"][0]]  # newest two
    assert first.waiting == 1
    second = follow([feed.url], out, config, since)
    assert [item.title for item in second.items] == [STORIES["late-train"][0]]
    assert follow([feed.url], out, config, since).items == []  # "seeds" is older than --since

    before = (out / first.items[0].episode).stat().st_mtime_ns
    forced = follow([feed.url], out, config, FollowOptions(delay=0, force=True))
    assert len(built(forced)) == 4 and forced.feeds[0].status == "fetched"
    assert {item.episode for item in forced.items} >= {item.episode for item in first.items}  # same names
    assert (out / first.items[0].episode).stat().st_mtime_ns > before
    assert len(list(out.glob("*.mp3"))) == 4


def test_the_same_item_in_two_feeds_is_built_once(httpserver, tmp_path, config, options):
    rss_feed = FeedServer(httpserver)
    rss_feed.publish(rss(rss_item("seeds")))
    copy = FeedServer(httpserver, "/copy.xml")
    copy.publish(rss(rss_item("seeds")))
    serve_pages(httpserver, "seeds")
    report = follow([rss_feed.url, copy.url], tmp_path / "show", config, options)
    assert [item.status for item in report.items] == [BUILT]


def test_the_host_pacer_waits_between_requests_to_one_host():
    now = [100.0]
    slept = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = HostPacer(2.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait("http://a.example/feed")
    pacer.wait("http://b.example/one")
    now[0] += 0.5
    pacer.wait("http://a.example/story")
    pacer.wait("http://a.example/other")
    assert slept == [pytest.approx(1.5), pytest.approx(2.0)]


@pytest.mark.waits
def test_pages_on_one_host_are_fetched_no_faster_than_the_delay(httpserver, tmp_path, config, monkeypatch):
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds"), rss_item("late-train")))
    serve_pages(httpserver, "seeds", "late-train")
    waits = []
    monkeypatch.setattr("newscast.follow.time.sleep", waits.append)
    follow([feed.url], tmp_path / "show", config, FollowOptions(delay=30))
    assert len(waits) == 2 and all(25 < wait <= 30 for wait in waits)  # feed -> page, page -> page


def test_parse_feed_reads_rss_and_atom_items():
    items, skipped = parse_feed(atom("bakery").encode(), "ledger", "http://127.0.0.1:9/feeds/atom.xml")
    assert skipped == []
    assert items == [
        NewsItem(
            "urn:ledger:bakery",
            STORIES["bakery"][0],
            "http://127.0.0.1:9/news/bakery.html",
            "2026-11-23T05:00:00+00:00",
            "".join(f"<p>{escape(text)}</p>" for text in STORIES["bakery"][2]),
            "ledger",
        )
    ]
    with pytest.raises(NewscastError, match="not an RSS or Atom feed"):
        parse_feed(b"just some words", "words.txt")


def test_an_item_without_a_link_is_read_from_its_content(tmp_path):
    item = NewsItem("k", STORIES["bakery"][0], content="<p>" + "</p><p>".join(STORIES["bakery"][2]) + "</p>",
                    published="2026-11-23T05:00:00+00:00")  # fmt: skip
    article, where = read_item(item, HostPacer(0))
    assert where == "feed" and article.headline == STORIES["bakery"][0] and article.iso_date == "2026-11-23"
    assert article.paragraphs[0].startswith("Six bakers")


def test_a_damaged_state_file_is_a_clear_error(tmp_path, config, options):
    out = tmp_path / "show"
    out.mkdir()
    (out / STATE_NAME).write_text("{not json")
    with pytest.raises(ConfigError, match="damaged"):
        follow([str(tmp_path / "feed.xml")], out, config, options)


def test_no_feeds_is_a_clear_error(tmp_path, config, options):
    with pytest.raises(ConfigError, match="no feed given"):
        follow([], tmp_path, config, options)


def test_cli_follow_from_the_config_alone_like_a_cron_line(httpserver, tmp_path, monkeypatch):
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds"), rss_item("late-train"), "<item><title>Notice</title></item>"))
    serve_pages(httpserver, "seeds")
    httpserver.expect_oneshot_request("/news/late-train.html").respond_with_data("gone", status=404)
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "newscast.toml").write_text(
        f'[speech]\nengine = "tone"\n\n[feed]\nbase_url = "http://127.0.0.1:8000"\n\n'
        f'[follow]\nfeeds = ["{feed.url}"]\ndirectory = "daily"\ndelay = 0.0\nfeed = true\n'
    )
    monkeypatch.chdir(tmp_path)  # a cron job's working directory is not the config's folder
    runner = CliRunner()

    first = runner.invoke(app, ["follow", "--config", str(folder / "newscast.toml")])
    assert first.exit_code == 1, first.output
    output = " ".join(first.output.split())
    assert "built 2026-11-20-library-lends-seeds-as-well-as-books.mp3" in output
    assert "failed (retried next run)" in output and "404" in output
    assert "skipped: item 3 ('Notice') has no guid and no link" in output
    assert "1 items built in 1 episodes, 1 failed, 1 skipped" in output
    assert (folder / "daily" / "feed.xml").is_file()  # relative to the config file

    serve_pages(httpserver, "late-train")
    second = runner.invoke(app, ["follow", "--config", str(folder / "newscast.toml")])
    assert second.exit_code == 0, second.output
    assert "built 2026-11-21-valley-line-adds-a-late-train-on-saturdays.mp3" in " ".join(second.output.split())
    assert len(list((folder / "daily").glob("*.mp3"))) == 2


@pytest.fixture
def quick(tmp_path) -> str:
    """A config with no per-host delay, for the command-line tests."""
    path = tmp_path / "quick.toml"
    path.write_text("[follow]\ndelay = 0.0\n")
    return str(path)


def test_cli_follow_arguments_and_bad_options(httpserver, tmp_path, quick):
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("robot-boat")))
    serve_pages(httpserver, "robot-boat")
    runner = CliRunner()
    out = tmp_path / "out"
    ok = runner.invoke(app, ["follow", feed.url, "--out-dir", str(out), "--engine", "tone", "--roundup", "-c", quick])
    assert ok.exit_code == 0, ok.output
    assert len(list(out.glob("*.mp3"))) == 1
    bad_date = runner.invoke(app, ["follow", feed.url, "--out-dir", str(out), "--since", "yesterday"])
    assert bad_date.exit_code == 2 and "--since must be a date" in bad_date.output
    no_feeds = runner.invoke(app, ["follow", "--out-dir", str(out), "--engine", "tone"])
    assert no_feeds.exit_code == 2 and "no feed given" in no_feeds.output
    no_base = runner.invoke(app, ["follow", feed.url, "--out-dir", str(out), "--feed"])
    assert no_base.exit_code == 2 and "feed.base_url" in no_base.output


def test_follow_config_is_checked_and_paths_are_relative_to_the_file(tmp_path):
    path = tmp_path / "newscast.toml"
    path.write_text('[follow]\nfeeds = ["ledger.xml", "https://news.example/rss"]\nkeep = 7\n')
    config = load_config(path)
    assert config.follow.feeds == (str(tmp_path / "ledger.xml"), "https://news.example/rss")
    assert config.follow.keep == 7
    path.write_text("[follow]\nfeeds = [1, 2]\n")
    with pytest.raises(ConfigError, match=r"follow\.feeds"):
        load_config(path)
    path.write_text("[follow]\nkeep = -1\n")
    with pytest.raises(ConfigError, match=r"follow\.keep"):
        load_config(path)


@pytest.mark.dask
def test_cli_follow_hands_the_builds_to_a_dask_scheduler(httpserver, tmp_path, quick):
    distributed = pytest.importorskip("dask.distributed")
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds"), rss_item("late-train")))
    serve_pages(httpserver, "seeds", "late-train")
    out = tmp_path / "show"
    # in-process workers: they see the tone engine this test process registered
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None)
    try:
        result = CliRunner().invoke(app, ["follow", feed.url, "--out-dir", str(out), "--engine", "tone",
                                          "--scheduler", cluster.scheduler_address, "-c", quick])  # fmt: skip
    finally:
        cluster.close()
    assert result.exit_code == 0, result.output
    assert "2 items built in 2 episodes" in " ".join(result.output.split())
    state = json.loads((out / STATE_NAME).read_text())
    assert set(state["built"]) == {"ledger-seeds", "ledger-late-train"}
    for entry in state["built"].values():
        check_episode(out / entry["episode"])


def test_a_second_run_on_the_same_folder_stops_while_the_first_runs(tmp_path, config, options):
    fcntl = pytest.importorskip("fcntl")
    out = tmp_path / "show"
    out.mkdir()
    with open(out / ".newscast-follow.lock", "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first run
        with pytest.raises(NewscastError, match="another newscast follow is running"):
            follow([str(tmp_path / "feed.xml")], out, config, options)


def test_the_readme_daily_show_config_loads(tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = next(part for part in readme.split("```toml")[1:] if "[follow]" in part and "roundup = true" in part)
    path = tmp_path / "newscast.toml"
    path.write_text(block.split("```")[0])
    config = load_config(path)
    assert config.follow.roundup and config.follow.keep == 14 and config.follow.feed
    assert config.follow.directory == str(tmp_path / "episodes")
    assert config.roundup.intro.format(show="S", date="D", count="2", headlines="A and B").startswith("Good morning")


def test_auto_is_decided_once_per_run_not_once_per_item(httpserver, tmp_path, options, monkeypatch):
    import newscast.batch as batch_module

    probes = []

    def resolve(speech):
        probes.append(speech.engine)
        return "tone", "a test's choice"

    monkeypatch.setattr(batch_module, "resolve_engine_name", resolve)
    feed = FeedServer(httpserver)
    feed.publish(rss(rss_item("seeds"), rss_item("late-train"), rss_item("robot-boat")))
    serve_pages(httpserver, "seeds", "late-train", "robot-boat")
    auto = load_config(overrides={"speech": {"engine": "auto"}})
    report = follow([feed.url], tmp_path / "show", auto, options)
    assert [item.status for item in report.items] == [BUILT] * 3
    assert probes == ["auto"]
