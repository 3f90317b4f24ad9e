from __future__ import annotations

from newscast import build_script, load_config
from newscast.models import HEADING, ITEM, PARAGRAPH, Article, Block


def article(**fields):
    base = {
        "headline": "Ferry returns",
        "byline": "Ana Ruiz",
        "outlet": "CNN",
        "date": "Updated 10:02 AM ET, Mon March 6, 2017",
        "iso_date": "2017-03-06",
        "highlights": ("It is quiet", "It is electric"),
        "blocks": (
            Block(PARAGRAPH, "First."),
            Block(HEADING, "Batteries"),
            Block(PARAGRAPH, "They charge fast:"),
            Block(ITEM, "one"),
            Block(ITEM, "two"),
            Block(PARAGRAPH, "Last."),
        ),
        "credits": ("Jo Li contributed.",),
    }
    base.update(fields)
    return Article(**base)


def test_default_order_is_headline_highlights_body():
    script = build_script(article(), load_config())
    assert [s.kind for s in script.segments] == [
        "headline",
        "highlights",
        "highlights",
        "body",
        "heading",
        "body",
        "body",
        "body",
        "body",
    ]
    assert script.title == "Ferry returns"


def test_order_intro_outro_templates_and_pauses():
    config = load_config(
        overrides={
            "script": {
                "order": ["intro", "headline", "byline", "date", "body", "credits", "outro"],
                "intro": "This is {show} for {date}.",
                "outro": "You heard {headline} by {byline} of {outlet}.",
            },
            "show": {"name": "Harbor Daily"},
        }
    )
    segments = build_script(article(), config).segments
    assert segments[0].text == "This is Harbor Daily for Monday, March 6, 2017."
    assert segments[2].text == "By Ana Ruiz, CNN"
    assert segments[3].text == "Monday, March 6, 2017"
    assert segments[-2].kind == "credits"
    assert segments[-1].text == "You heard Ferry returns by Ana Ruiz of CNN."  # names only: no "by By"
    pauses = {s.text: s.pause_ms for s in segments}
    assert pauses["Batteries"] == config.pauses.heading
    assert pauses["one"] == config.pauses.item
    assert pauses["two"] == config.pauses.paragraph  # the list's last item ends like a paragraph
    assert segments[-1].pause_ms == 0


def test_missing_parts_make_no_segments():
    script = build_script(
        article(byline="", highlights=(), credits=()),
        load_config(overrides={"script": {"order": ["byline", "highlights", "credits", "body"]}}),
    )
    assert {s.kind for s in script.segments} == {"body", "heading"}


def test_json_and_text_forms():
    script = build_script(article(), load_config())
    data = script.to_dict()
    assert data["title"] == "Ferry returns"
    assert data["segments"][0] == {"kind": "headline", "text": "Ferry returns", "pause_ms": 700}
    assert data["segments"][-1]["block"] == "paragraph"
    assert script.to_text().split("\n\n")[0] == "Ferry returns"
