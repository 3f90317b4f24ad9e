"""`newscast serve` answered by real HTTP clients on 127.0.0.1: HEAD, byte ranges, content types, the feed."""

from __future__ import annotations

import http.client
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import feedparser
import pytest
import requests
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from newscast import build_episode
from newscast.feed import FeedSettings, write_feed
from newscast.serve import open_server

from .conftest import DATA, EXAMPLE_ARTICLE


@pytest.fixture
def served(tmp_path, tone_config):
    """Two episodes in a folder, served on a free port; yields (folder, base URL)."""
    folder = tmp_path / "show"
    build_episode([EXAMPLE_ARTICLE, DATA / "flattened-orchard.txt"], tone_config, output=folder / "roundup.mp3")
    build_episode(EXAMPLE_ARTICLE, tone_config, output=folder / "ferry.mp3")
    (folder / "secrets.toml").write_text("token = 1\n")
    server = open_server(folder, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    write_feed(folder, FeedSettings(base_url=base, title="Harbor Hour", description="", author="Desk"))
    try:
        yield folder, base
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_a_range_in_the_middle_of_an_mp3_returns_exactly_those_bytes(served):
    folder, base = served
    data = (folder / "ferry.mp3").read_bytes()
    start, end = len(data) // 3, len(data) // 3 + 4095
    response = requests.get(f"{base}/ferry.mp3", headers={"Range": f"bytes={start}-{end}"}, timeout=5)
    assert response.status_code == 206
    assert response.content == data[start : end + 1]
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{len(data)}"
    assert response.headers["Content-Type"] == "audio/mpeg"
    tail = requests.get(f"{base}/ferry.mp3", headers={"Range": "bytes=-100"}, timeout=5)
    assert tail.status_code == 206 and tail.content == data[-100:]
    beyond = requests.get(f"{base}/ferry.mp3", headers={"Range": f"bytes={len(data) + 10}-"}, timeout=5)
    assert beyond.status_code == 416


@pytest.mark.slow
def test_head_answers_like_get_without_the_body(served):
    folder, base = served
    connection = http.client.HTTPConnection("127.0.0.1", int(base.rsplit(":", 1)[1]), timeout=5)
    connection.request("HEAD", "/ferry.mp3")
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b""
    assert int(response.getheader("Content-Length")) == (folder / "ferry.mp3").stat().st_size
    assert response.getheader("Accept-Ranges") == "bytes" and response.getheader("ETag")
    connection.close()


@pytest.mark.slow
def test_content_types_and_what_is_not_served(served):
    _, base = served
    expected = {
        "/feed.xml": "application/rss+xml",
        "/ferry.mp3": "audio/mpeg",
        "/ferry.vtt": "text/vtt",
        "/ferry.chapters.json": "application/json+chapters",
        "/cover.png": "image/png",
    }
    for path, kind in expected.items():
        response = requests.get(base + path, timeout=5)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"].split(";")[0] == kind, path
    for path in ("/secrets.toml", "/../etc/passwd", "/.ferry.mp3.1.part", "/missing.mp3"):
        assert requests.get(base + path, timeout=5).status_code == 404, path
    assert requests.post(base + "/ferry.mp3", timeout=5).status_code == 405
    not_modified = requests.get(
        base + "/ferry.vtt", headers={"If-None-Match": requests.get(base + "/ferry.vtt", timeout=5).headers["ETag"]}
    )
    assert not_modified.status_code == 304


@pytest.mark.slow
def test_every_url_in_the_feed_is_reachable_and_the_sizes_agree(served):
    folder, base = served
    parsed = feedparser.parse(f"{base}/feed.xml")
    assert parsed.status == 200 and not parsed.bozo and len(parsed.entries) == 2
    channel = etree.parse(str(folder / "feed.xml")).getroot().find("channel")
    image = channel.find("{http://www.itunes.com/dtds/podcast-1.0.dtd}image").get("href")
    assert requests.head(image, timeout=5).status_code == 200
    for item in parsed.entries:
        enclosure = item.enclosures[0]
        head = requests.head(enclosure.href, timeout=5)
        assert int(head.headers["Content-Length"]) == int(enclosure.length)
        chapters = requests.get(item.podcast_chapters["url"], timeout=5).json()
        assert chapters["version"] == "1.2.0" and chapters["chapters"]
        assert requests.get(item.podcast_transcript["url"], timeout=5).text.startswith("WEBVTT")


@pytest.mark.slow
def test_mutagen_reads_tags_and_chapters_from_bytes_fetched_over_http(served):
    """What a client that streams does: fetch the head of the file by range, read the ID3 tag from it."""
    folder, base = served
    size = int(requests.head(f"{base}/roundup.mp3", timeout=5).headers["Content-Length"])
    head = requests.get(f"{base}/roundup.mp3", headers={"Range": "bytes=0-9"}, timeout=5).content
    tag_size = 10 + int.from_bytes(bytes(byte & 0x7F for byte in head[6:10]), "big")
    tag = requests.get(f"{base}/roundup.mp3", headers={"Range": f"bytes=0-{tag_size - 1}"}, timeout=5).content
    tags = ID3(io.BytesIO(tag))
    assert str(tags["TIT2"]) == str(ID3(folder / "roundup.mp3")["TIT2"])
    starts = [frame.start_time for frame in tags.getall("CHAP")]
    assert len(starts) >= 3 and starts == sorted(starts)
    whole = requests.get(f"{base}/roundup.mp3", timeout=5).content
    assert len(whole) == size and MP3(io.BytesIO(whole)).info.length > 1


@pytest.mark.subprocess
def test_the_serve_command_writes_a_missing_feed_for_its_own_address(tmp_path, tone_config):
    folder = tmp_path / "show"
    build_episode(EXAMPLE_ARTICLE, tone_config, output=folder / "ferry.mp3")
    process = subprocess.Popen(
        [sys.executable, "-m", "newscast", "serve", str(folder), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    try:
        lines = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            lines.append(line)
            if "subscribe to" in line or not line:
                break
        match = re.search(r"subscribe to (http://127\.0\.0\.1:(\d+))/feed\.xml", "".join(lines))
        assert match, lines
        base = match.group(1)
        assert (folder / "feed.xml").is_file()
        with urllib.request.urlopen(f"{base}/feed.xml") as response:
            assert response.headers["Content-Type"].startswith("application/rss+xml")
            parsed = feedparser.parse(response.read())
        assert parsed.entries[0].enclosures[0].href == f"{base}/ferry.mp3"
        with urllib.request.urlopen(parsed.entries[0].enclosures[0].href) as response:
            assert response.read() == (folder / "ferry.mp3").read_bytes()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


@pytest.mark.subprocess
def test_serving_a_missing_folder_is_one_clean_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "newscast", "serve", str(tmp_path / "nowhere"), "--port", "0"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2 and "no such folder" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.subprocess
def test_serve_says_when_the_existing_feed_points_elsewhere(tmp_path, tone_config):
    folder = tmp_path / "show"
    build_episode(EXAMPLE_ARTICLE, tone_config, output=folder / "ferry.mp3")
    write_feed(
        folder, FeedSettings(base_url="https://podcasts.example.org/harbor", title="T", description="", author="A")
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "newscast", "serve", str(folder), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "300"},
    )  # fmt: skip
    try:
        lines = [process.stderr.readline() for _ in range(2)]
        assert "points at https://podcasts.example.org/harbor/feed.xml" in lines[0]
        assert re.search(r"--base-url http://127\.0\.0\.1:\d+` points it here", lines[0])
        assert "subscribe to" in lines[1]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
