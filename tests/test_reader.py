"""Whole pages -> Article and script JSON, checked against expected files."""

from __future__ import annotations

import json
import re

import pytest

from newscast import ArticleError, build_script, load_config, read_article, read_text
from newscast.articles.dates import find_date, is_date_line
from newscast.articles.units import split_dateline

from .conftest import DATA, EXAMPLE_ARTICLE

PAGES = [EXAMPLE_ARTICLE, DATA / "flattened-orchard.txt", DATA / "wrapped-wire.txt"]

NOISE_PHRASES = [
    "JUST WATCHED",
    "Replay",
    "More Videos",
    "MUST WATCH",
    "Hide Caption",
    "Photos:",
    " of 12",
    "RESTRICTED",
    "Read More",
    "newsletter",
    "Messenger",
    "Breaking News",
    "Menu",
    "Live TV",
    "Edition",
    "Advertisement",
    "Share on",
    "&#39;",
    "&quot;",
    "&lt;",
    "href",
    "<a",
    "02:15",
    "01:48",
    "00:57",
    "All Rights Reserved",
    "turn to batteries",
    "Frost in the orchards",
    "Our Standards",
    "World | Science",
]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_script_matches_expected_json(page):
    script = build_script(read_article(page), load_config())
    actual = script.to_dict()
    actual.pop("source")
    expected = json.loads((DATA / f"{page.stem}.expected.json").read_text(encoding="utf-8"))
    assert actual == expected


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.stem)
def test_no_noise_is_spoken(page):
    spoken = build_script(read_article(page), load_config()).to_text()
    for phrase in NOISE_PHRASES:
        assert phrase not in spoken, phrase


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?\"])\s+(?=[A-Z\"])", text) if len(s.split()) > 3]


def test_every_body_sentence_of_the_example_is_kept_in_order():
    # The sentences a reader of the page sees, written out by hand from examples/harbor-ferry.txt.
    body = """The oldest working ferry on the Atlantic coast sailed again on Monday, quieter than it has ever been.
    The Harbor Queen, launched in 1911, carried its first passengers in two years across the four-mile crossing to
    Gull Island. Its diesel engines are gone. In their place sit two electric motors and a bank of batteries the size
    of a delivery van. The refit cost $4.2 million, most of it paid by a state grant for cleaner harbors.
    The city covered the rest from its transit budget. Engineers chose the design after a trial on a smaller boat in
    2015. Regular commuters said the biggest change was the silence. Some riders said they could hear gulls over the
    engines for the first time. Fares stay at $2.50 for adults, and the city says that will not change before 2019."""
    spoken = " ".join(build_script(read_article(EXAMPLE_ARTICLE), load_config()).to_text().split())
    position = 0
    for sentence in _sentences(" ".join(body.split())):
        found = spoken.find(sentence, position)
        assert found >= position, sentence
        position = found + len(sentence)


def test_example_header_fields():
    article = read_article(EXAMPLE_ARTICLE)
    assert article.headline == "Coastal city brings back its century-old ferry with electric engines"
    assert (article.byline, article.outlet) == ("Marisol Ortega and Daniel Whitcombe", "CNN")
    assert article.iso_date == "2017-03-06"
    assert article.dateline == "Port Alder, Maine"
    assert len(article.highlights) == 3
    assert [block.text for block in article.blocks if block.kind == "heading"] == [
        "How the batteries work",
        "What riders say",
    ]
    assert [block.kind for block in article.blocks].count("item") == 3
    assert article.credits == (
        "CNN's Priya Natarajan reported from Port Alder. Joseph Kemble contributed to this report.",
        "\u00a9 2017 Cable News Network. All Rights Reserved.",  # the story's rights line closes its credits
    )


def test_line_per_element_video_player_and_gallery_are_dropped():
    page = """Town votes to keep its last cinema open

By Ana Ruiz

The council voted 7 to 2 on Monday to buy the building.

JUST WATCHED
Cinema saved by vote
Replay
More Videos ...
MUST WATCH
Cinema saved by vote 01:10

A projector from 1952 stands in the lobby.
Photos: Inside the cinema
A projector from 1952 stands in the lobby.
Hide Caption
1 of 8

Tickets will cost $6, the council said.
"""
    article = read_text(page)
    assert article.paragraphs == [
        "The council voted 7 to 2 on Monday to buy the building.",
        "Tickets will cost $6, the council said.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Updated 10:02 AM ET, Mon March 6, 2017", "2017-03-06"),
        ("June 14, 2019", "2019-06-14"),
        ("Published 3 Sept 2021", "2021-09-03"),
        ("2020-02-29T10:00:00Z", "2020-02-29"),
        ("February 30, 2020", ""),
        ("No date here", ""),
    ],
)
def test_find_date(text, expected):
    assert find_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Updated 10:02 AM ET, Mon March 6, 2017", True),
        ("Posted on Friday, June 14, 2019 at 5pm", True),
        ("The bridge opened on June 14, 2019 after years of delays.", False),
    ],
)
def test_is_date_line(text, expected):
    assert is_date_line(text) is expected


@pytest.mark.parametrize(
    ("paragraph", "place", "rest"),
    [
        ("LONDON (CNN)The minister said", "London", "The minister said"),
        ("(CNN) The Ringling circus", "", "The Ringling circus"),
        ("PORT ALDER, Maine (CNN)The ferry", "Port Alder, Maine", "The ferry"),
        ("WASHINGTON -- The Senate voted", "Washington", "The Senate voted"),
        ("NAIROBI, Kenya (Reuters) - Rains fell", "Nairobi, Kenya", "Rains fell"),
        ("The (very) old ferry", "", "The (very) old ferry"),
    ],
)
def test_split_dateline(paragraph, place, rest):
    assert split_dateline(paragraph) == (place, rest)


def test_article_without_headline_uses_the_file_name(tmp_path):
    page = tmp_path / "quiet-harbor.txt"
    page.write_text(
        "The harbor was quiet on Sunday as the fleet stayed in port for the storm, and no boat went out.\n\n"
        "Crews expect to sail again on Tuesday.\n"
    )
    script = build_script(read_article(page), load_config())
    assert script.title == "Quiet harbor"
    assert script.segments[0].kind == "body"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no text"),
        (b"   \n\n  \n", "no text"),
        (b"Breaking News\n\nMenu\n\nRead More\n", "no article text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_unreadable_inputs_are_article_errors(tmp_path, content, message):
    page = tmp_path / "page.txt"
    page.write_bytes(content)
    with pytest.raises(ArticleError, match=message):
        read_article(page)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ArticleError, match="no such file"):
        read_article(tmp_path / "missing.txt")
    with pytest.raises(ArticleError, match="is a directory"):
        read_article(tmp_path)


def test_windows_1252_scrape_is_decoded(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(
        "Caf\u00e9 owners cheer new \u201cquiet street\u201d rule\n\nThe rule starts in May, said the mayor.\n".encode(
            "cp1252"
        )
    )
    article = read_article(page)
    assert article.headline == "Caf\u00e9 owners cheer new \u201cquiet street\u201d rule"
