"""Every input kind: HTML, gzip, markdown dumps, stdin, URLs from a local server, encodings, limits."""

from __future__ import annotations

import gzip
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newscast import ArticleError, build_script, load_config, read_article, read_text
from newscast.articles import MAX_INPUT_BYTES, web
from newscast.cli import app

from .conftest import DATA, EXAMPLE_ARTICLE

HTML_PAGE = DATA / "quarry-lake.html"
HTML_NOISE = [
    "Breaking News",
    "Image caption",
    "newsletter",
    "Read more",
    "Related stories",
    "Trail plan",
    "rights reserved",
    "Sport",
]


def spoken(article):
    return build_script(article, load_config()).to_text()


def test_saved_html_page():
    article = read_article(HTML_PAGE)
    assert article.headline == "Old quarry becomes the county's first swimming lake"
    assert article.byline == "Ruth Abernathy"
    assert article.iso_date == "2021-07-02"
    assert [b.text for b in article.blocks if b.kind == "heading"] == ["Lifeguards and limits"]
    assert [b.text for b in article.blocks if b.kind == "item"] == [
        "No swimming beyond the yellow buoys",
        "No glass on the beach",
        "Children under 12 must swim with an adult",
    ]
    text = spoken(article)
    assert '"Now they can do it safely."' in text
    assert "Entry costs $4 for adults" in text
    for phrase in HTML_NOISE:
        assert phrase not in text, phrase


def test_html_is_detected_by_content_not_extension(tmp_path):
    renamed = tmp_path / "page.txt"
    renamed.write_bytes(HTML_PAGE.read_bytes())
    assert read_article(renamed).headline == read_article(HTML_PAGE).headline


@pytest.mark.parametrize("source", [HTML_PAGE, EXAMPLE_ARTICLE], ids=["html", "text"])
def test_gzipped_inputs(tmp_path, source):
    packed = tmp_path / f"{source.name}.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    assert spoken(read_article(packed)) == spoken(read_article(source))


def test_markdown_dump():
    page = """Skip to contentSkip to site index

[World](https://example.com/world)|Ferries

# Island ferries switch to batteries

Operators say the switch will cut fuel bills by half.

![A ferry at dawn](https://example.com/ferry.jpg)

By Lena Hart

The first two boats will be converted this winter, the operator said. The
work takes about three months per boat and is paid for by a **state** grant
from the [clean harbors fund](https://example.com/fund).

## What riders can expect

Crossings will be quieter, and timetables will not change.

  * [Home](https://example.com/)
  * [World](https://example.com/world)
  * [Sport](https://example.com/sport)
  * [Weather](https://example.com/weather)
"""
    article = read_text(page)
    assert article.headline == "Island ferries switch to batteries"
    assert article.byline == "Lena Hart"
    assert article.highlights == ("Operators say the switch will cut fuel bills by half.",)
    assert article.paragraphs[0].endswith("is paid for by a state grant from the clean harbors fund.")
    assert [b.text for b in article.blocks if b.kind == "heading"] == ["What riders can expect"]
    assert "Home" not in spoken(article) and "Skip" not in spoken(article)


def test_stdin_through_the_cli():
    result = CliRunner().invoke(app, ["script", "-", "-f", "json"], input=EXAMPLE_ARTICLE.read_bytes())
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"].startswith("Coastal city")


def test_several_inputs_of_different_kinds(httpserver):
    httpserver.expect_request("/quarry").respond_with_data(HTML_PAGE.read_bytes(), content_type="text/html")
    result = CliRunner().invoke(
        app, ["script", str(EXAMPLE_ARTICLE), httpserver.url_for("/quarry"), str(HTML_PAGE), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    titles = [item["title"] for item in json.loads(result.stdout)]
    assert titles[0].startswith("Coastal city")
    assert titles[1] == titles[2] == "Old quarry becomes the county's first swimming lake"


def test_url_is_fetched_with_a_browser_like_agent_and_redirects(httpserver):
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/new")}
    )
    httpserver.expect_request("/new").respond_with_data(HTML_PAGE.read_bytes(), content_type="text/html; charset=utf-8")
    article = read_article(httpserver.url_for("/old"))
    assert article.headline == "Old quarry becomes the county's first swimming lake"
    assert article.source == httpserver.url_for("/new")
    agent = httpserver.log[-1][0].headers["User-Agent"]
    assert agent.startswith("Mozilla/5.0") and "newscast" in agent


@pytest.mark.parametrize(
    ("status", "content_type", "body", "message"),
    [
        (404, "text/html", b"<html>gone</html>", "answered HTTP 404"),
        (503, "text/html", b"busy", "answered HTTP 503"),
        (200, "application/pdf", b"%PDF-1.4", "is application/pdf, not a news page"),
        (200, "text/html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article text"),
    ],
)
def test_url_failures_are_clear(httpserver, status, content_type, body, message):
    httpserver.expect_request("/page").respond_with_data(body, status=status, content_type=content_type)
    with pytest.raises(ArticleError, match=message):
        read_article(httpserver.url_for("/page"))


@pytest.mark.waits
def test_url_timeout(httpserver, monkeypatch):
    monkeypatch.setattr(web, "READ_TIMEOUT", 0.3)

    def slow(request):
        time.sleep(1.0)
        from werkzeug import Response

        return Response("late", content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(ArticleError, match=r"did not answer within 0.3 s"):
        read_article(httpserver.url_for("/slow"))


def test_url_too_large(httpserver, monkeypatch):
    monkeypatch.setattr(web, "MAX_PAGE_BYTES", 1000)
    httpserver.expect_request("/big").respond_with_data(b"<html>" + b"x" * 5000, content_type="text/html")
    with pytest.raises(ArticleError, match="refused"):
        read_article(httpserver.url_for("/big"))


def test_unknown_host():
    with pytest.raises(ArticleError, match="cannot resolve the host name"):
        read_article("http://newscast-test.invalid/story")


@pytest.mark.parametrize(
    ("encoding", "headline"),
    [
        ("koi8-r", "Паром снова ходит через залив после долгого ремонта"),
        ("shift_jis", "古いフェリーが電気で再び運航を始めました"),
        ("cp1251", "Старый паром вернулся на линию после ремонта"),
    ],
)
def test_non_utf8_files_are_detected(tmp_path, encoding, headline):
    body = {
        "koi8-r": "Старый паром снова перевозит пассажиров через залив. Ремонт занял два года, и теперь судно работает на электричестве.",
        "shift_jis": "古いフェリーが二年間の修理を終えて、月曜日に再び乗客を運び始めました。新しい電池で静かに走ります。",
        "cp1251": "Паром, построенный в 1911 году, снова перевозит пассажиров. Ремонт занял два года, и теперь судно работает на электричестве.",
    }[encoding]
    page = tmp_path / "page.txt"
    page.write_bytes(f"{headline}\n\n{body}\n\n{body}\n".encode(encoding))
    assert read_article(page).headline == headline


def test_mojibake_is_repaired(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("CafÃ© owners cheer the new rule\n\nThe rule starts in May, said the mayorâ€™s office.\n")
    article = read_article(page)
    assert article.headline == "Café owners cheer the new rule"
    assert article.paragraphs == ["The rule starts in May, said the mayor’s office."]


def test_input_over_the_limit_is_refused_without_reading_it(tmp_path):
    page = tmp_path / "huge.txt"
    with page.open("wb") as file:
        file.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(ArticleError, match="over 20 MB"):
        read_article(page)


@pytest.mark.slow
def test_large_dump_is_read_in_linear_time(tmp_path):
    paragraph = 'The ferry crossed the bay again.The crew said "it was calm." Riders cheered.\n\n'
    small, large = paragraph * 2_000, paragraph * 20_000
    timings = []
    for text in (small, large):
        started = time.perf_counter()
        article = read_text("Ferry dump for a size test\n\n" + text)
        timings.append(time.perf_counter() - started)
    assert len(article.paragraphs) >= 1
    assert timings[1] < timings[0] * 25 + 1  # ten times the text, nowhere near a hundred times the work


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_any_text_gives_an_article_or_an_article_error(text):
    try:
        article = read_text(text)
    except ArticleError as error:
        assert str(error)
    else:
        assert article.blocks


_tags = st.sampled_from(["p", "div", "h1", "h2", "li", "ul", "span", "a", "article", "main", "nav", "figure", "script"])
_html = st.recursive(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    lambda children: st.builds(
        lambda tag, inner: f"<{tag}>{''.join(inner)}</{tag}>", _tags, st.lists(children, max_size=4)
    ),
    max_leaves=25,
)


@pytest.mark.fuzz
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_html)
def test_any_html_gives_an_article_or_an_article_error(body):
    try:
        article = read_text(f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>")
    except ArticleError as error:
        assert str(error)
    else:
        assert article.blocks
