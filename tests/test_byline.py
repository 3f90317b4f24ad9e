"""Bylines as pages print them -> the writers' names (for {byline} and the ID3 artist) and the outlet."""

from __future__ import annotations

import pytest

from newscast.articles.byline import clean_byline

CASES = [
    ("By Marisol Ortega", "Marisol Ortega", ""),
    ("by Marisol Ortega", "Marisol Ortega", ""),
    ("By Marisol Ortega, Harbor Gazette", "Marisol Ortega", "Harbor Gazette"),
    ("By Marisol Ortega and Tom Li, CNN", "Marisol Ortega and Tom Li", "CNN"),
    ("By Marisol Ortega, Tom Li and Ana Ruiz", "Marisol Ortega, Tom Li and Ana Ruiz", ""),
    ("By Marisol Ortega & Tom Li", "Marisol Ortega and Tom Li", ""),
    ("By Marisol Ortega for The Lakeside Courier", "Marisol Ortega", "The Lakeside Courier"),
    ("Marisol Ortega | Staff Writer", "Marisol Ortega", ""),
    ("By Marisol Ortega - Senior Correspondent", "Marisol Ortega", ""),
    ("Written by Marisol Ortega, Reuters", "Marisol Ortega", "Reuters"),
    ("By Jean-Luc Moreau and Ana Ruiz, Associated Press", "Jean-Luc Moreau and Ana Ruiz", "Associated Press"),
    ("By Reuters", "", "Reuters"),
    ("Marisol Ortega", "Marisol Ortega", ""),
    ("", "", ""),
]


@pytest.mark.parametrize(("printed", "names", "outlet"), CASES)
def test_clean_byline(printed, names, outlet):
    assert clean_byline(printed) == (names, outlet)
