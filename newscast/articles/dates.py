"""Date lines as pages print them -> ISO dates."""

from __future__ import annotations

import re
from datetime import date

# Month names and their printed abbreviations, by month, in the languages of the development set. Short
# forms that are also English words ("ago", "set", "out") are left out: they would find dates in sentences.
_MONTH_NAMES = (
    "jan january janvier janv januar jänner enero ene gennaio gen janeiro januari",
    "feb february février fevrier févr fevr februar febrero febbraio fevereiro fev februari",
    "mar march mars märz mär marzo março maart mrt",
    "apr april avril avr abril aprile",
    "may mai mayo maggio maio mei",
    "jun june juin juni junio giugno junho",
    "jul july juillet juil juli julio luglio julho",
    "aug august août aout agosto augustus",
    "sep sept september septembre septiembre setiembre settembre setembro",
    "oct october octobre oktober okt octubre ottobre outubro",
    "nov november novembre noviembre novembro",
    "dec december décembre decembre déc dezember dez diciembre dic dicembre dezembro",
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE)
# "6 March 2017", "1er mars 2017", "12. Oktober 2023", "3 de marzo de 2022"
_DAY_FIRST = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|\.|º)?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?(?P<year>\d{{4}})\b",
    re.IGNORECASE,
)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")

# The words a date line opens with, which a scrape may glue to the byline before it ("By Ana Ruiz Updated ...").
DATE_LINE_LEADS = (
    "Updated", "Published", "Posted", "Last updated",
    "Publié le", "Mis à jour le", "Veröffentlicht am", "Aktualisiert am", "Publicado el", "Actualizado el",
    "Pubblicato il", "Aggiornato il", "Publicado em", "Atualizado em", "Gepubliceerd op", "Bijgewerkt op",
)  # fmt: skip

# The words a date line carries around its date ("Updated ... ET", "Publié le ... à", "Veröffentlicht am ... Uhr").
_DATE_LINE_WORDS = re.compile(
    r"\b(?:updated|published|posted|last|first|modified|date|on|at|et|edt|est|gmt|utc|bst|cet|cest|pt|pdt|pst"
    r"|am|pm|a\.m\.|p\.m\.|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday"
    r"|publié|mis|à|jour|le|modifié|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|veröffentlicht|aktualisiert|zuletzt|stand|um|uhr|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
    r"|publicado|actualizado|el|de|a|las|lunes|martes|miércoles|jueves|viernes|sábado|domingo"
    r"|pubblicato|aggiornato|il|alle|ore|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica"
    r"|atualizado|em|às|segunda|terça|quarta|quinta|sexta|feira"
    r"|gepubliceerd|bijgewerkt|op|om|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag"
    r"|\d{1,2}[:h]\d{2}|\d{1,2}[ap]m)\b",
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
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= 2


def _strip_dates(text: str) -> str:
    for pattern in (_MONTH_FIRST, _DAY_FIRST, _ISO):
        text = pattern.sub(" ", text)
    return text
