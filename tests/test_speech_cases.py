"""The hard-cases table (tests/data/speech_cases.toml): every news phrase normalises to the words a listener
should hear; and the normaliser's language rules, link modes and crash fixes."""

from __future__ import annotations

import tomllib

import pytest

from newscast.speech.text import initialisms_as_letters, normalisers_for, plain_words, speakable
from tests.conftest import DATA

TABLE = tomllib.loads((DATA / "speech_cases.toml").read_text(encoding="utf-8"))
CASES = [(category, written, heard) for category, entry in TABLE.items() for written, heard in entry["cases"]]


def contains_in_order(words: list[str], wanted: list[str]) -> bool:
    return any(words[start : start + len(wanted)] == wanted for start in range(len(words) - len(wanted) + 1))


def test_the_table_is_large_and_covers_the_news():
    assert len(CASES) >= 150
    assert len(TABLE) >= 15
    assert all(len(entry["cases"]) >= 10 for entry in TABLE.values())


@pytest.mark.parametrize(("category", "written", "heard"), CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_a_listener_hears_the_expected_words(category, written, heard):
    spoken = speakable(written)
    assert contains_in_order(plain_words(spoken), plain_words(heard)), f"{category}: {written!r} -> {spoken!r}"
    assert not any(ch.isdigit() for ch in spoken), f"digits left to the engine: {spoken!r}"


def test_an_all_numbers_list_item_does_not_crash_the_initialism_rule():
    # was ZeroDivisionError: no letters to count capitals in
    assert initialisms_as_letters("2015 2016 2017 2018") == "2015 2016 2017 2018"
    assert speakable("2015 2016 2017 2018") == "twenty fifteen twenty sixteen twenty seventeen twenty eighteen"


def test_a_sentence_with_a_few_initialisms_is_not_taken_for_a_capitals_headline():
    assert speakable("NATO, the FBI and ISIS") == "Nato, the F-B-I and Isis"
    assert speakable("THE HEADLINE IN CAPITALS ABOUT THE US") == "THE HEADLINE IN CAPITALS ABOUT THE US"


def test_the_who_is_spelled_not_read_as_the_question_word():
    assert "W-H-O" in speakable("The WHO warned of a new wave.")
    assert "Who" not in speakable("The WHO warned of a new wave.")


def test_links_can_be_skipped():
    assert speakable("Details at https://www.example.com/a/b. Or write to desk@example.org.", links="skip") == (
        "Details at. Or write to."
    )
    assert speakable("The report (www.example.org/report) is out.", links="skip") == "The report is out."


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("fr", "Le chômage a baissé de 45 % en 2017, selon l'INSEE."),
        ("de", "Die Inflation lag bei 2,5 % im Jahr 2023, sagte die EZB am 3. Mai."),
        ("fr-FR", "Le président a parlé à 20h30 — devant 400 000 personnes."),
        ("es", "El PIB creció un 3 % en 2019."),
    ],
)
def test_english_rules_never_touch_another_language(language, written):
    spoken = speakable(written, language=language)
    assert plain_words(spoken) == plain_words(written)  # punctuation may become pauses; the words stay
    assert "percent" not in spoken


def test_a_language_without_rules_only_gets_the_punctuation_steps():
    assert len(normalisers_for("ja")) == 3
    assert normalisers_for("en-GB") == normalisers_for("en")
    assert normalisers_for("") == normalisers_for("en")
