"""Every label in labels.py matches only a whole short unit: a real sentence holding it is still spoken."""

from __future__ import annotations

import pytest

from newscast import read_text
from newscast.articles import labels

ENTRIES = sorted(
    {
        *labels.TEASER_LABELS,
        *labels.LINK_LABELS,
        *labels.PAYWALL_LINES,
        *labels.COMMENT_FORM_LINES,
        *labels.INTERRUPTION_LINES,
        *labels.DISCLAIMER_LINES,
        *labels.SHARE_LABELS,
    }
)
PAGE = [
    "Bridge reopens after six months of repairs",
    "By Dana Whitfield",
    "The Millbrook bridge reopened to traffic on Tuesday morning, six months after a barge struck one of its piers.",
    "{sentence}",
    "The repairs cost $14 million, about a third more than the county had first estimated, officials said.",
    "Engineers replaced two steel girders and poured a new concrete cap on the damaged pier over the winter.",
]


def spoken(sentence: str) -> str:
    page = "\n\n".join(PAGE).replace("{sentence}", sentence)
    return "\n".join(block.text for block in read_text(page).blocks)


@pytest.mark.parametrize("entry", ENTRIES)
def test_sentence_holding_a_label_is_spoken(entry):
    inside = f'The sign on the old toll booth read "{entry}" until the county took it down on Tuesday.'
    assert inside in spoken(inside)


@pytest.mark.parametrize("entry", ENTRIES)
def test_sentence_opening_with_a_label_as_reported_speech_is_spoken(entry):
    opening = (
        f"{entry[0].upper()}{entry[1:]}, the mayor told the crowd at the reopening, was the evening's running joke."
    )
    assert opening in spoken(opening)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Lesen Sie auch", "teaser label"),
        ("Thanks for signing up!", "paywall"),
        ("Leave a Reply", "comment form"),
        ("Story continues below advertisement", "interruption"),
        ("Dowiedz się więcej", "link label"),
        ("(Alle Angaben ohne Gewähr)", "disclaimer"),
        ("Weitere Informationen zum Brückenbau in Millbrook:", "teaser label"),
    ],
)
def test_label_alone_is_recognised(line, kind):
    assert labels.whole_unit_label(line) == kind
