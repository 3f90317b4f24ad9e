"""Table-driven tests of the speech normaliser: (written, spoken)."""

from __future__ import annotations

import pytest

from newscast.speech import text as speech_text
from newscast.speech.text import ordinal_words, speakable

CASES = [
    # dashes and ellipses as pauses
    ("a credible -- alternative", "a credible, alternative"),
    ("the ferry \u2014 launched in 1911 \u2014 sailed", "the ferry, launched in nineteen eleven, sailed"),
    ("and then... silence", "and then, silence"),
    # abbreviations
    ("Gov. Chris Christie met Sen. Ann Lee", "Governor Chris Christie met Senator Ann Lee"),
    ("Martin Luther King Jr. spoke", "Martin Luther King Junior spoke"),
    ("St. Louis and Main St. in town", "Saint Louis and Main Street in town"),
    ("on Oct. 21 it rained", "on October twenty-first it rained"),
    ("seed No. 3", "seed number three"),
    # money and percentages
    ("a $1.2 billion plan", "a one point two billion dollars plan"),
    ("fares at $2.50 each", "fares at two dollars and fifty cents each"),
    ("it cost $310,000", "it cost three hundred ten thousand dollars"),
    ("a \u00a31,000 fine", "a one thousand pounds fine"),
    ("just $1", "just one dollar"),
    (
        "Obama was the choice of 49%, Romney of 48 %",
        "Obama was the choice of forty-nine percent, Romney of forty-eight percent",
    ),
    # times and dates
    ("Updated 7:34 AM ET", "Updated seven thirty-four a.m. Eastern"),
    ("at 10:00 p.m. on Monday", "at ten p.m. on Monday"),
    ("the 9:05 train", "the nine oh five train"),
    ("March 6, 2017", "March sixth, twenty seventeen"),
    ("on 3 September", "on the third of September"),
    ("the 23rd floor and the 1st step", "the twenty-third floor and the first step"),
    # ranges
    ("from 2015-2017", "from twenty fifteen to twenty seventeen"),
    ("10\u201320 people", "ten to twenty people"),
    ("a 3-1 win", "a three to one win"),
    ("call 555-1234", "call five five five, one two three four"),
    # initialisms
    ("the US and the U.S. Navy", "the U-S and the U-S Navy"),
    ("the FBI and CNN/ORC poll", "the F-B-I and C-N-N/O-R-C poll"),
    ("NASA and NATO", "Nasa and Nato"),
    ("World War II", "World War Two"),
    ("Barnum & Bailey", "Barnum and Bailey"),
    # names and numerals that are not what they seem
    ("the St Lawrence River", "the Saint Lawrence River"),
    ("on Main St near the bank", "on Main Street near the bank"),
    ("Type II diabetes and Stage IV cancer", "Type Two diabetes and Stage Four cancer"),
    ("Malcolm X spoke", "Malcolm X spoke"),
    ("since 9/11", "since nine eleven"),
    ("The polls open at 6 a.m.", "The polls open at six a.m."),
    ("THE HEADLINE IN CAPITALS ABOUT THE US", "THE HEADLINE IN CAPITALS ABOUT THE US"),
]


@pytest.mark.parametrize(("written", "spoken"), CASES)
def test_speakable(written, spoken):
    assert speakable(written) == spoken


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "first"),
        (2, "second"),
        (3, "third"),
        (5, "fifth"),
        (12, "twelfth"),
        (20, "twentieth"),
        (21, "twenty-first"),
        (40, "fortieth"),
        (99, "ninety-ninth"),
        (100, "one hundredth"),
        (112, "one hundred twelfth"),
    ],
)
def test_ordinal_words(number, words):
    assert ordinal_words(number) == words


def test_pronunciation_table_comes_first_and_matches_whole_words():
    table = {"Gull Island": "Gull Eye-land", "Reyes": "Ray-ess"}
    assert speakable("Tomas Reyes sailed to Gull Island, not Gull Islands.", table) == (
        "Tomas Ray-ess sailed to Gull Eye-land, not Gull Islands."
    )


def test_every_normaliser_is_listed_once():
    assert len(set(speech_text.NORMALISERS)) == len(speech_text.NORMALISERS)
