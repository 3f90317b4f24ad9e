"""Date lines as pages print them -> ISO dates."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE)
_DAY_FIRST = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b", re.IGNORECASE)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")

_DATE_LINE_WORDS = re.compile(
    r"\b(?:updated|published|posted|last|first|modified|date|on|at|et|edt|est|gmt|utc|bst|cet|pt|pdt|pst"
    r"|am|pm|a\.m\.|p\.m\.|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|\d{1,2}:\d{2}|\d{1,2}[ap]m)\b",
    re.IGNORECASE,
)


def find_date(text: str) -> str:
    """The first calendar date in ``text`` as YYYY-MM-DD, or "" if there is none."""
    for pattern in (_MONTH_FIRST, _DAY_FIRST, _ISO):
        match = pattern.search(text)
        if not match:
            continue
        month = match.group("month")
        month_number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
        try:
            return date(int(match.group("year")), month_number, int(match.group("day"))).isoformat()
        except ValueError:
            continue
    return ""


def is_date_line(text: str) -> bool:
    """A line that is a date and little else: "Updated 10:02 AM ET, Mon March 6, 2017"."""
    if len(text) > 120 or not find_date(text):
        return False
    rest = _DATE_LINE_WORDS.sub(" ", _strip_dates(text))
    return len(re.findall(r"[A-Za-z]{2,}", rest)) <= 2


def _strip_dates(text: str) -> str:
    for pattern in (_MONTH_FIRST, _DAY_FIRST, _ISO):
        text = pattern.sub(" ", text)
    return text
