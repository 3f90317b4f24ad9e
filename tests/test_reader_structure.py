"""Issue 12, round 2: rules that judge a unit by where it sits in the page's structure.

Each rule has a test of the defect it fixes and a test of a real-sounding sentence it must not touch.
Every page here is written for the test in the style of real news pages; none is copied from a real one.
"""

from __future__ import annotations

from newscast import read_text
from newscast.articles import noise
from tests.test_reader_recall import BYLINE, HEADLINE, STORY, scrape, spoken_body

# ------------------------------------------------------------------------------------------------
# Section headings in pairs: "Mayor vs. council" over "WINNER: Mayor" over the section's prose


def test_heading_pairs_over_prose_are_spoken_not_taken_for_teasers():
    page = scrape(
        HEADLINE,
        BYLINE,
        STORY[0],
        "Mayor Ellison vs. the city council",
        "WINNER: Ellison",
        "The mayor never blinked. She held the budget line for three weeks and the council gave way on Friday.",
        "Harbor board vs. the ferry union",
        "LOSER: Harbor board",
        "The board agreed to every demand it had called unaffordable in June, and the strike ended on Monday.",
        STORY[2],
    )
    body = spoken_body(read_text(page))
    for line in ("Mayor Ellison vs. the city council", "WINNER: Ellison", "Harbor board vs. the ferry union"):
        assert line in body


def test_two_teaser_titles_between_paragraphs_are_still_dropped():
    units = ["The county said on Tuesday.", "Ferries go electric", "Tides explained", "More body."]
    assert noise.teaser_runs(units) == {1, 2}
    page = scrape(
        HEADLINE, BYLINE, *STORY[:3], "Ferries go electric", "Tides explained", "Storm season ahead", *STORY[3:]
    )
    body = spoken_body(read_text(page))
    assert "Ferries go electric" not in body and "Tides explained" not in body
    assert all(sentence in body for sentence in STORY[2:])
