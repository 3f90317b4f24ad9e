"""The podcast feed, read back with feedparser the way podcast apps read it, and served over local HTTP."""

from __future__ import annotations

import functools
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
from typer.testing import CliRunner

from newscast import ConfigError, build_episode, load_config
from newscast.cli import app
from newscast.feed import FeedSettings, podcast_guid, write_feed

from .conftest import DATA, EXAMPLE_ARTICLE

ORCHARD = DATA / "flattened-orchard.txt"
BASE = "https://podcasts.example.org/newscast"


@pytest.fixture
def show(tmp_path, tone_config):
    """A folder with two single-story episodes (the ferry from 2017, the orchard from its own date)."""
    folder = tmp_path / "show"
    ferry = build_episode(EXAMPLE_ARTICLE, tone_config, output=folder / "ferry.mp3")
    orchard = build_episode(ORCHARD, tone_config, output=folder / "orchard.mp3")
    (folder / "notes.mp3").write_text("not an episode")  # skipped, not fatal
    return folder, {"ferry": ferry, "orchard": orchard}


def run(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args])


def test_feed_lists_every_episode_with_podcast_tags(show):
    folder, episodes = show
    result = run("feed", folder, "--base-url", BASE, "--title", "Morning Brief", "--description", "Daily news.")
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse((folder / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    channel = parsed.feed
    assert channel.title == "Morning Brief" and channel.subtitle == "Daily news."
    assert not channel.itunes_explicit  # "false"; feedparser only maps "true" and "clean"
    assert "<itunes:explicit>false</itunes:explicit>" in (folder / "feed.xml").read_text()
    assert channel.image.href == f"{BASE}/cover.png" and (folder / "cover.png").is_file()
    assert channel.tags[0].term == "News"
    assert channel.podcast_guid == podcast_guid(f"{BASE}/feed.xml")
    items = parsed.entries
    assert len(items) == 2
    dates = [item.published_parsed[:3] for item in items]
    assert dates == sorted(dates, reverse=True)  # newest first
    by_name = {item.enclosures[0].href.rsplit("/", 1)[1]: item for item in items}
    ferry = by_name["ferry.mp3"]
    assert ferry.title == "Coastal city brings back its century-old ferry with electric engines"
    assert ferry.published_parsed[:3] == (2017, 3, 6)
    assert ferry.summary.startswith("The Harbor Queen returns to service")  # the highlights
    enclosure = ferry.enclosures[0]
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == (folder / "ferry.mp3").stat().st_size
    assert ferry.itunes_duration == "00:00:{:02d}".format(round(episodes["ferry"].duration))
    assert ferry.itunes_episodetype == "full"
    assert ferry.podcast_transcript["url"] == f"{BASE}/ferry.vtt"
    assert ferry.podcast_chapters["url"] == f"{BASE}/ferry.chapters.json"


def test_item_guids_survive_a_rebuild(show, tone_config):
    folder, _ = show
    settings = FeedSettings(base_url=BASE, title="T", description="", author="A")
    before = {item.guid for item in feedparser.parse(write_feed(folder, settings).read_bytes()).entries}
    build_episode(EXAMPLE_ARTICLE, tone_config, output=folder / "ferry.mp3")
    after = {item.guid for item in feedparser.parse(write_feed(folder, settings).read_bytes()).entries}
    assert before == after and len(after) == 2


def test_build_with_feed_refreshes_it(tmp_path):
    config = tmp_path / "show.toml"
    config.write_text(f'[speech]\nengine = "tone"\n[feed]\nbase_url = "{BASE}"\ntitle = "Harbor Hour"\n')
    result = run("build", EXAMPLE_ARTICLE, "-o", tmp_path / "out" / "ferry.mp3", "--config", config, "--feed")
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse((tmp_path / "out" / "feed.xml").read_bytes())
    assert parsed.feed.title == "Harbor Hour" and len(parsed.entries) == 1


def test_feed_needs_a_base_url(show):
    folder, _ = show
    result = run("feed", folder)
    assert result.exit_code == 2 and "--base-url" in result.stderr
    with pytest.raises(ConfigError, match="http"):
        write_feed(folder, FeedSettings(base_url="ftp://x", title="T", description="", author="A"))
    assert load_config().feed.base_url == ""


@pytest.mark.slow
def test_served_feed_opens_like_a_podcast_client_would(show):
    """python -m http.server over the folder: the feed, then every enclosure, transcript and chapters file."""
    folder, _ = show
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert run("feed", folder, "--base-url", base).exit_code == 0
        parsed = feedparser.parse(f"{base}/feed.xml")
        assert parsed.status == 200 and len(parsed.entries) == 2
        for item in parsed.entries:
            enclosure = item.enclosures[0]
            with urllib.request.urlopen(enclosure.href) as response:
                assert len(response.read()) == int(enclosure.length)
            for link in (item.podcast_transcript["url"], item.podcast_chapters["url"]):
                with urllib.request.urlopen(link) as response:
                    assert response.status == 200
    finally:
        server.shutdown()
