"""The feed checked against the rules themselves (PSP-1, Apple's category and artwork rules), by reading the XML,
and read back by two independent podcast parsers (feedparser and gPodder's podcastparser)."""

from __future__ import annotations

import email.utils
import io
import re
import uuid

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.mp3 import MP3
from typer.testing import CliRunner

from newscast import ConfigError, build_episode, load_config
from newscast.cli import app
from newscast.feed import FeedSettings, podcast_guid, write_feed

from .conftest import DATA, EXAMPLE_ARTICLE, jpeg_bytes, png_bytes

BASE = "https://podcasts.example.org/newscast"
NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
SETTINGS = FeedSettings(
    base_url=BASE, title="Harbor Hour", description="Local news, read aloud.", author="Harbor Desk",
    owner_name="Ines Marlow", owner_email="ines@example.org", subcategory="Daily News",
)  # fmt: skip


@pytest.fixture
def show(tmp_path, tone_config):
    folder = tmp_path / "show"
    build_episode(EXAMPLE_ARTICLE, tone_config, output=folder / "ferry.mp3")
    build_episode(DATA / "flattened-orchard.txt", tone_config, output=folder / "orchard.mp3")
    return folder


def channel_of(path):
    return etree.parse(str(path)).getroot().find("channel")


def run(*args):
    return CliRunner().invoke(app, [str(arg) for arg in args])


@pytest.mark.slow
def test_category_is_a_text_attribute_with_a_nested_subcategory(show):
    channel = channel_of(write_feed(show, SETTINGS))
    (category,) = channel.findall("itunes:category", NS)
    assert category.get("text") == "News" and not (category.text or "").strip()  # Apple reads only the attribute
    (sub,) = category.findall("itunes:category", NS)
    assert sub.get("text") == "Daily News" and len(sub) == 0


def test_a_wrong_category_is_a_config_error_naming_the_allowed_ones(tmp_path):
    with pytest.raises(ConfigError, match=r"feed\.category .*'Newz'.*allowed: Arts, Business.*News.*True Crime"):
        load_config(overrides={"feed": {"category": "Newz"}})
    with pytest.raises(ConfigError, match=r"feed\.subcategory .*allowed: Business News, Daily News"):
        load_config(overrides={"feed": {"category": "News", "subcategory": "Golf"}})
    (tmp_path / "show.toml").write_text('[feed]\ncategory = "Technology"\nsubcategory = "Gadgets"\n')
    with pytest.raises(ConfigError, match=r"show\.toml.*no subcategories"):
        load_config(tmp_path / "show.toml")
    assert load_config(overrides={"feed": {"category": "Sports", "subcategory": "Golf"}}).feed.subcategory == "Golf"


@pytest.mark.slow
def test_every_psp1_required_element_is_present_and_well_formed(show):
    feed = write_feed(show, SETTINGS)
    root = etree.parse(str(feed)).getroot()
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert {prefix: root.nsmap[prefix] for prefix in NS} == NS  # the namespaces PSP-1 requires, as it spells them
    channel = root.find("channel")

    def one(path):
        found = channel.findall(path, NS)
        assert len(found) == 1, path
        return found[0]

    atom = one("atom:link")
    assert (atom.get("href"), atom.get("rel"), atom.get("type")) == (f"{BASE}/feed.xml", "self", "application/rss+xml")
    assert one("title").text == "Harbor Hour"
    assert one("link").text == BASE
    assert 0 < len(one("description").text.encode()) <= 4000
    assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", one("language").text)
    assert one("itunes:image").get("href") == f"{BASE}/cover.png"
    assert one("itunes:explicit").text in ("true", "false")
    assert one("itunes:author").text == "Harbor Desk"
    owner = one("itunes:owner")
    assert owner.findtext("itunes:name", namespaces=NS) == "Ines Marlow"
    assert owner.findtext("itunes:email", namespaces=NS) == "ines@example.org"
    locked = one("podcast:locked")
    assert (locked.text, locked.get("owner")) == ("no", "ines@example.org")
    assert one("podcast:guid").text == podcast_guid(f"{BASE}/feed.xml")
    assert uuid.UUID(one("podcast:guid").text).version == 5
    assert one("itunes:type").text == "episodic"
    assert one("podcast:medium").text == "podcast"
    items = channel.findall("item")
    assert len(items) == 2
    guids = []
    for item in items:
        assert item.findtext("title").strip()
        enclosure = item.find("enclosure")
        name = enclosure.get("url").removeprefix(f"{BASE}/")
        assert enclosure.get("type") == "audio/mpeg"
        assert int(enclosure.get("length")) == (show / name).stat().st_size
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false" and uuid.UUID(guid.text)
        guids.append(guid.text)
        published = item.findtext("pubDate")
        assert email.utils.format_datetime(email.utils.parsedate_to_datetime(published)) == published  # RFC 2822
        hours, minutes, seconds = map(int, item.findtext("itunes:duration", namespaces=NS).split(":"))
        assert hours * 3600 + minutes * 60 + seconds == round(MP3(show / name).info.length)
        assert item.find("itunes:image", NS).get("href") == f"{BASE}/cover.png"
        assert item.find("itunes:explicit", NS).text in ("true", "false")
        assert item.find("podcast:transcript", NS).get("type") == "text/vtt"
    assert len(set(guids)) == len(guids)


@pytest.mark.slow
def test_guids_are_stable_across_rebuilds(show, tone_config):
    def guids():
        items = channel_of(write_feed(show, SETTINGS)).findall("item")
        return {item.find("enclosure").get("url"): item.findtext("guid") for item in items}

    before = guids()
    build_episode(EXAMPLE_ARTICLE, tone_config, output=show / "ferry.mp3")
    build_episode(DATA / "flattened-orchard.txt", tone_config, output=show / "orchard.mp3")
    assert guids() == before and len(set(before.values())) == 2


def test_self_link_is_the_feed_even_when_written_outside_the_folder(show, tmp_path):
    outside = tmp_path / "elsewhere" / "harbor.xml"
    result = run("feed", show, "--base-url", BASE, "-o", outside)
    assert result.exit_code == 0, result.output
    atom = channel_of(outside).find("atom:link", NS)
    assert atom.get("href") == f"{BASE}/harbor.xml"  # not the bare base URL
    nested = show / "rss" / "feed.xml"
    assert run("feed", show, "--base-url", BASE, "-o", nested).exit_code == 0
    assert channel_of(nested).find("atom:link", NS).get("href") == f"{BASE}/rss/feed.xml"


@pytest.mark.slow
def test_channel_language_comes_from_the_episodes_else_the_config(tmp_path):
    folder = tmp_path / "show"
    settings = FeedSettings(base_url=BASE, title="T", description="", author="A", language="fr")
    assert channel_of(write_feed(folder.parent, settings)).findtext("language") == "fr"  # no episodes: config
    tone = load_config(overrides={"speech": {"engine": "tone"}})
    build_episode(DATA / "quarry-de.html", tone, output=folder / "ferry.mp3")  # a German page: its episode says de
    channel = channel_of(write_feed(folder, settings))
    assert channel.findtext("language") == "de"
    assert channel.find("item/podcast:transcript", NS).get("language") == "de"
    british = FeedSettings(base_url=BASE, title="T", description="", author="A", language="en-GB")
    build_episode(EXAMPLE_ARTICLE, load_config(overrides={"speech": {"engine": "tone"}}), output=folder / "ferry.mp3")
    assert channel_of(write_feed(folder, british)).findtext("language") == "en-GB"  # the same language, more precise


@pytest.mark.slow
def test_locked_comes_from_the_config(show, tmp_path):
    (tmp_path / "show.toml").write_text(
        f'[feed]\nbase_url = "{BASE}"\nlocked = true\nowner_email = "desk@example.org"\nowner_name = "Desk"\n'
    )
    assert run("feed", show, "--config", tmp_path / "show.toml").exit_code == 0
    locked = channel_of(show / "feed.xml").find("podcast:locked", NS)
    assert (locked.text, locked.get("owner")) == ("yes", "desk@example.org")
    with pytest.raises(ConfigError, match="owner_email"):
        load_config(overrides={"feed": {"owner_email": "not an address"}})


@pytest.mark.slow
def test_two_independent_parsers_read_the_feed(show):
    feed = write_feed(show, SETTINGS)
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.tags[0].term == "News" and parsed.feed.language == "en"
    assert parsed.feed.author_detail.email == "ines@example.org"  # itunes:owner, as feedparser maps it
    podcast = podcastparser.parse(f"{BASE}/feed.xml", io.BytesIO(feed.read_bytes()))
    assert podcast["title"] == "Harbor Hour" and podcast["cover_url"] == f"{BASE}/cover.png"
    assert len(podcast["episodes"]) == 2
    by_guid = {entry.id: entry for entry in parsed.entries}
    for episode in podcast["episodes"]:
        entry = by_guid[episode["guid"]]
        assert episode["title"] == entry.title
        (enclosure,) = episode["enclosures"]
        assert enclosure["mime_type"] == "audio/mpeg"
        assert enclosure["file_size"] == int(entry.enclosures[0].length)
        assert enclosure["file_size"] == (show / enclosure["url"].rsplit("/", 1)[1]).stat().st_size
        assert abs(episode["total_time"] - round(MP3(show / enclosure["url"].rsplit("/", 1)[1]).info.length)) <= 1
        assert episode["published"] == round(email.utils.parsedate_to_datetime(entry.published).timestamp())
        # podcastparser 0.6 knows the podcast namespace only by its old GitHub URI, not the podcastindex.org one
        # PSP-1 requires, so it cannot see podcast:transcript; feedparser checks those elsewhere.


# ---------------------------------------------------------------------------------------------
# Cover art: what Apple accepts (square PNG or JPEG, RGB, 1400 to 3000 px), written atomically


@pytest.mark.slow
def test_a_good_image_is_copied_into_the_folder(show, tmp_path):
    png = tmp_path / "art.png"
    png.write_bytes(png_bytes(1600, 1600))
    assert run("feed", show, "--base-url", BASE, "--image", png).exit_code == 0
    assert (show / "cover.png").read_bytes() == png.read_bytes()
    jpeg = tmp_path / "art.jpeg"
    jpeg.write_bytes(jpeg_bytes(3000, 3000))
    assert run("feed", show, "--base-url", BASE, "--image", jpeg).exit_code == 0
    assert (show / "cover.jpg").read_bytes() == jpeg.read_bytes() and not (show / "cover.png").exists()
    assert channel_of(show / "feed.xml").find("itunes:image", NS).get("href") == f"{BASE}/cover.jpg"
    assert not list(show.glob(".*.part"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a cover, honestly\n" * 10, "neither a PNG nor a JPEG"),
        (png_bytes()[:33] + bytes(range(256)) * 4000, "corrupt|broken|cut short"),
        (png_bytes(1000, 1000), "1000x1000 px; podcast apps ask for 1400 to 3000"),
        (png_bytes(1400, 1600), "not square"),
        (png_bytes(colour_type=0), "greyscale, not RGB"),
        (jpeg_bytes(components=4), "CMYK, not RGB"),
        (jpeg_bytes(4000, 4000), "4000x4000"),
        (jpeg_bytes()[:-2] + b"\x00" * 10, "incomplete"),
    ],
    ids=["text", "noise", "small", "oblong", "grey", "cmyk", "large", "cut-jpeg"],
)
def test_a_bad_image_is_one_clean_error_and_nothing_is_written(show, tmp_path, content, message):
    bad = tmp_path / "art.png"
    bad.write_bytes(content)
    result = run("feed", show, "--base-url", BASE, "--image", bad)
    assert result.exit_code == 2, result.output
    assert re.search(message, result.stderr) and "Traceback" not in result.output
    assert not (show / "feed.xml").exists() and not (show / "cover.png").exists()
    with pytest.raises(ConfigError, match=r"show\.cover"):
        load_config(overrides={"show": {"cover": str(bad)}})


@pytest.mark.slow
def test_a_png_header_over_30_mb_of_noise_is_refused_by_its_size(show, tmp_path):
    noise = tmp_path / "huge.png"
    with noise.open("wb") as handle:
        handle.write(png_bytes()[:33])
        for _ in range(30):
            handle.write(b"\x5a\xa5" * 500_000)
    result = run("feed", show, "--base-url", BASE, "--image", noise)
    assert result.exit_code == 2 and "under 10 MB" in result.stderr


@pytest.mark.slow
def test_descriptions_stay_within_psp1s_4000_bytes(show):
    long = "Harbor news in many words, " * 300  # about 8 kB
    channel = channel_of(write_feed(show, FeedSettings(base_url=BASE, title="T", description=long, author="A")))
    description = channel.findtext("description")
    assert len(description.encode()) <= 4000 and description.endswith("\u2026")
    assert long.startswith(description[:-1])
