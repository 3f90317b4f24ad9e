"""Issue 12, round 4: what an HTML page's own markup says about its text.

The story split into chunks between ads, blocks the page names as furniture, links side by side, lists of
links, and --dropped accounting for every block of the page. Every page is written for the test in the style
of real news pages; none is copied from a real one.
"""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from newscast import read_text
from newscast.articles.layout import PageLayout, story_chunks
from newscast.articles.signals import is_prose
from newscast.cli import app
from newscast.models import OUTSIDE_THE_ARTICLE

HEADLINE = "Ferry returns to the harbor after six years"
PARAGRAPHS = [
    f"Paragraph {number} of the story: the harbor ferry carried {100 + number} riders on its first day back, "
    "and the captain said the new electric engines ran quietly all morning."
    for number in range(12)
]


def page(body: str, title: str = "Ferry returns") -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body><main>'
        f"<article><h1>{HEADLINE}</h1>{body}</article></main></body></html>"
    )


def spoken(article) -> list[str]:
    return [block.text for block in article.blocks]


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in texts)


# ------------------------------------------------------------------------------------------------
# A story split into chunks between ads


def chunk(texts: list[str], extra: str = "") -> str:
    return (
        '<div class="grid grid-items-2 grid-layout--adrail"><div class="grid--item body body__container article__body">'
        f'{paragraphs(texts)}{extra}</div><div class="grid--item grid-layout__aside"><div class="sticky-box"></div>'
        '</div></div><div class="row full-bleed-ad"><div class="ad"><span class="ad-label">Advertisement</span>'
        "</div></div>"
    )


RELATED = (
    '<div class="heading-h3">More from the Gazette</div><ul>'
    + "".join(f'<li><a href="/story-{n}">Teaser story number {n} about the harbor</a></li>' for n in range(4))
    + "</ul>"
)


def test_a_story_split_into_chunks_between_ads_is_read_whole():
    # trafilatura keeps the first chunk only (5 of 12 paragraphs before this round)
    article = read_text(page('<div class="article__chunks">' + chunk(PARAGRAPHS[:5]) + chunk(PARAGRAPHS[5:], RELATED)))
    assert spoken(article) == PARAGRAPHS
    assert ("\u2022 Teaser story number 0 about the harbor", "link to another page") in [
        (dropped.text, dropped.rule) for dropped in article.dropped
    ]


def test_only_sibling_blocks_holding_prose_are_taken_for_the_story():
    container = '<div class="grid--item body body__container">{}</div>'
    menu = container.format("<ul><li>News</li><li>Sport</li><li>Weather</li></ul>")
    rest = container.format(paragraphs(PARAGRAPHS[6:9]))
    html = page('<div class="wrap">' + container.format(paragraphs(PARAGRAPHS[:6])) + menu + rest + "</div>")
    layout = PageLayout(html)
    units = PARAGRAPHS[:6]
    chunks = story_chunks(layout, units, layout.locate(units), lambda text: is_prose(text, "en"))
    assert [[text for text, _ in texts] for _, texts in chunks] == [PARAGRAPHS[6:9]]


# ------------------------------------------------------------------------------------------------
# Blocks the page itself names as furniture


def test_prose_in_a_block_the_page_names_as_furniture_is_dropped():
    teaser = "Read how the ferry's old diesel engines were sold to a museum in the north, and what became of them."
    disclaimer = "We may earn a commission when you buy tickets through links on this page, at no cost to you."
    body = (
        paragraphs(PARAGRAPHS[:6])
        + f'<div class="c-letters-cta"><p>{teaser}</p></div>'
        + f'<p class="post-disclaimer">{disclaimer}</p>'
        + paragraphs(PARAGRAPHS[6:9])
    )
    article = read_text(page(body))  # trafilatura keeps both; the page's names say what they are
    assert spoken(article) == PARAGRAPHS[:9]
    rules = {dropped.text: dropped.rule for dropped in article.dropped}
    assert rules[teaser] == "in a block named cta"
    assert rules[disclaimer] == "in a block named disclaimer"


def test_a_name_the_whole_story_wears_is_the_layout_not_furniture():
    # "social" and "share" name furniture blocks, but here they wrap the story itself
    body = f'<div class="article-body social-share-enabled">{paragraphs(PARAGRAPHS[:8])}</div>'
    assert spoken(read_text(page(body))) == PARAGRAPHS[:8]


# ------------------------------------------------------------------------------------------------
# Links


def test_links_side_by_side_are_separate_words():
    sentence = (
        'While the first post claimed the fare would double, other <a href="/a">social</a><a href="/b">media</a>'
        '<a href="/c">users</a> have offered very different figures for the new ferry.'
    )
    text = "\n".join(spoken(read_text(page(paragraphs(PARAGRAPHS[:4]) + f"<p>{sentence}</p>"))))
    assert "other social media users have offered" in text


def test_linked_items_of_a_list_of_plain_items_are_kept():
    items = [
        '<a href="/shop/lamp">Harbor Lamp Classic</a>',
        "Harbor Lamp Mini, with a dimmer",
        "Harbor Lamp Solar, for the deck",
        "A spare set of bulbs",
    ]
    body = paragraphs(PARAGRAPHS[:4]) + "<p>What the crew packed:</p><ul>" + "".join(f"<li>{i}</li>" for i in items)
    texts = spoken(read_text(page(body + "</ul>" + paragraphs(PARAGRAPHS[4:6]))))
    assert "Harbor Lamp Classic" in texts and "A spare set of bulbs" in texts


def test_a_list_of_links_is_still_dropped():
    links = "".join(f'<li><a href="/s{n}">Another ferry story number {n}</a></li>' for n in range(5))
    texts = spoken(read_text(page(paragraphs(PARAGRAPHS[:6]) + f"<ul>{links}</ul>")))
    assert not any("Another ferry story" in text for text in texts)


# ------------------------------------------------------------------------------------------------
# --dropped accounts for every block of the page


FULL_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Ferry returns</title></head><body>'
    '<header><div class="logo">Harbor Gazette</div><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News'
    '</a></li><li><a href="/sport">Sport</a></li></ul></nav></header><main><article>'
    f"<h1>{HEADLINE}</h1>{paragraphs(PARAGRAPHS[:7])}</article>"
    '<section class="comments"><h3>3 comments</h3><p>Great news for the island, finally!</p></section></main>'
    "<footer><p>Harbor Gazette, 12 Quay Street</p><p>Privacy | Terms</p></footer></body></html>"
)


def test_dropped_accounts_for_every_block_of_an_html_page(tmp_path):
    path = tmp_path / "ferry.html"
    path.write_text(FULL_PAGE, encoding="utf-8")
    result = CliRunner().invoke(app, ["script", "--dropped", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    dropped = json.loads(result.output)["dropped"]
    outside = [entry["text"] for entry in dropped if entry["rule"] == OUTSIDE_THE_ARTICLE]
    assert "Home" in outside and "Privacy | Terms" in outside and "Harbor Gazette, 12 Quay Street" in outside
    article = read_text(FULL_PAGE)
    accounted = " ".join([article.headline, *spoken(article), *(entry["text"] for entry in dropped)])
    page_words = re.findall(r"\w+", re.sub(r"<[^>]+>", " ", FULL_PAGE.split("<body>")[1]))
    assert set(page_words) <= set(re.findall(r"\w+", accounted))


def test_text_outside_the_article_does_not_count_towards_the_dropped_prose_warning():
    from newscast.articles.signals import dropped_prose_share

    assert dropped_prose_share(read_text(FULL_PAGE)) == 0


def test_a_date_in_front_of_the_h1_is_not_the_headline_s():
    html = page(paragraphs(PARAGRAPHS[:5])).replace(
        f"<h1>{HEADLINE}</h1>", f'<h1><span class="date">27.01.2025</span>{HEADLINE}</h1>'
    )
    article = read_text(html)
    assert article.headline == HEADLINE
    assert spoken(article) == PARAGRAPHS[:5]
