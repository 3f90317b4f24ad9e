"""News text -> text an engine reads well, as small named steps. The transcript keeps the article's words.

The steps are chosen by the article's language: a few that only touch punctuation run for every language,
the rest are the rules of one language (English here). A language without rules passes through with its
words unchanged, so English rules never touch a French text. Number words come from num2words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal

from num2words import num2words

from ..models import primary_language

# ---------------------------------------------------------------------------------------------
# Number words (num2words), trimmed to how a newsreader says them: no "and", no commas.


def _spoken_number(words: str) -> str:
    return words.replace(",", "").replace(" and ", " ")


def number_words(number: int | Decimal | str, language: str = "en") -> str:
    """42 -> "forty-two"; "1.5" -> "one point five"; 105 -> "one hundred five"."""
    if isinstance(number, str):
        number = Decimal(number) if "." in number else int(number)
    return _spoken_number(num2words(number, lang=language))


def ordinal_words(number: int, language: str = "en") -> str:
    """1 -> "first", 23 -> "twenty-third", 112 -> "one hundred twelfth"."""
    return _spoken_number(num2words(number, lang=language, to="ordinal"))


def year_words(year: int) -> str:
    """1990 -> "nineteen ninety", 2005 -> "two thousand five", 2024 -> "twenty twenty-four"."""
    return _spoken_number(num2words(year, to="year")).replace("oh-", "oh ")


def digit_words(digits: str) -> str:
    """ "555" -> "five five five": phone numbers are read digit by digit."""
    return " ".join(number_words(int(digit)) for digit in digits)


def _plural_words(words: str) -> str:
    """ "nineteen ninety" -> "nineteen nineties", "two thousand" -> "two thousands"."""
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


# ---------------------------------------------------------------------------------------------
# Steps for every language: punctuation only.

_DOUBLE_DASH = re.compile(r"\s*(?:--|\u2014|\u2013(?=\s))\s*")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\u2026)\s*")


def dashes_as_pauses(text: str) -> str:
    """ "credible -- alternative" and em dashes read as a comma pause."""
    return _DOUBLE_DASH.sub(", ", text)


def ellipses_as_pauses(text: str) -> str:
    return _ELLIPSIS.sub(", ", text).strip(" ,") or text


def collapse_spaces(text: str) -> str:
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)  # brackets a skipped link left empty
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))


# ---------------------------------------------------------------------------------------------
# English.

_TLDS = "com|org|net|gov|edu|mil|int|info|news|io|co|ai|tv|fm|ly|me|us|uk|ca|au|nz|ie|in|de|fr|es|it|nl|eu|ch|jp"
_DOMAIN = rf"(?:[A-Za-z0-9-]+\.)+(?:{_TLDS})(?![\w-])"
_URL = re.compile(
    rf"(?<![\w@.])(?:https?://(?P<any>[\w.-]+)|(?:www\.)?(?P<domain>{_DOMAIN}))"
    r"(?::\d+)?(?:/[^\s]*[^\s.,;:!?)\]\"'”’])?/?",
    re.IGNORECASE,
)
_EMAIL = re.compile(rf"(?<![\w.])(?P<user>[\w.+-]+)@(?P<domain>{_DOMAIN})", re.IGNORECASE)


def _domain_words(domain: str) -> str:
    domain = re.sub(r"^www\.", "", domain, flags=re.IGNORECASE)
    return " dot ".join(part.replace("-", " ") for part in domain.split(".") if part)


def links_as_domains(text: str) -> str:
    """ "https://www.example.com/a/b" -> "example dot com"; "jo.lee@example.org" -> "jo dot lee at example dot org"."""
    text = _EMAIL.sub(lambda m: f"{_domain_words(m.group('user'))} at {_domain_words(m.group('domain'))}", text)
    return _URL.sub(lambda m: _domain_words(m.group("any") or m.group("domain")), text)


def links_skipped(text: str) -> str:
    """Web and e-mail addresses left out of the speech altogether."""
    return _URL.sub("", _EMAIL.sub("", text))


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=\d)(?=[A-Za-z])|_+")
_HASHTAG = re.compile(r"(?<![\w&#])#(?P<tag>[A-Za-z]\w*)")
_HANDLE = re.compile(r"(?<![\w@.])@(?P<name>[A-Za-z_]\w{0,30})\b")


_HANDLE_SHORTHAND = {"Dept": "Department", "Govt": "Government", "Intl": "International", "Natl": "National",
                     "Assn": "Association", "Univ": "University", "Pres": "President"}  # fmt: skip


def _handle_words(name: str) -> str:
    words = _CAMEL.sub(" ", name).split()
    return " ".join(_HANDLE_SHORTHAND.get(word, word) for word in words)


def handles_and_hashtags(text: str) -> str:
    """ "#BlackFriday" -> "hashtag Black Friday"; "@StateDept" -> "at State Department"."""

    def hashtag(match: re.Match[str]) -> str:
        said = re.search(r"\b(?:hashtag|tag|tagged)\s*$", text[: match.start()], re.IGNORECASE)
        return ("" if said else "hashtag ") + _handle_words(match.group("tag"))

    text = _HASHTAG.sub(hashtag, text)
    return _HANDLE.sub(lambda m: "at " + _handle_words(m.group("name")), text)


_AMPERSAND = re.compile(r"(?<=\w)\s*&\s*(?=\w)")


def ampersands_as_and(text: str) -> str:
    """ "Barnum & Bailey" -> "Barnum and Bailey"; "AT&T" stays letters: "A T and T"."""
    return _AMPERSAND.sub(" and ", text)


_ABBREVIATIONS = {
    "Gov.": "Governor", "Sen.": "Senator", "Rep.": "Representative", "Sens.": "Senators", "Reps.": "Representatives",
    "Gen.": "General", "Lt.": "Lieutenant", "Col.": "Colonel", "Sgt.": "Sergeant", "Capt.": "Captain",
    "Cmdr.": "Commander", "Adm.": "Admiral", "Prof.": "Professor", "Rev.": "Reverend", "Dr.": "Doctor",
    "Pres.": "President", "Supt.": "Superintendent", "Atty.": "Attorney", "Mt.": "Mount", "Ft.": "Fort",
    "Jr.": "Junior", "Sr.": "Senior", "vs.": "versus", "approx.": "approximately", "est.": "estimated",
    "Inc.": "Incorporated", "Corp.": "Corporation", "Co.": "Company", "Ltd.": "Limited", "Dept.": "Department",
    "Univ.": "University", "Ave.": "Avenue", "Blvd.": "Boulevard", "Rd.": "Road", "Mr.": "Mister",
    "Mrs.": "Missus", "Ms.": "Miz", "Hwy.": "Highway", "Sq.": "Square", "Ln.": "Lane", "Pl.": "Place",
}  # fmt: skip
_ABBREVIATION = re.compile(r"(?<![\w.])(" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?=\s|$|,|;)")
# "St." before a name is Saint ("St. Paul"); after a name or a number, and not before one, it is Street.
_SAINT = re.compile(r"(?<![\w.])St\.?(?=\s+[A-Z])")  # "St. Paul", "St Lawrence" (British style)
_STREET = re.compile(r"(?<=[A-Za-z0-9] )St\.?(?=[\s,;:!?)]|$|\.)(?!\s+[A-Z])")
_NUMBER_SIGN = re.compile(r"\bNo\.\s*(?=\d)|\bNos\.\s*(?=\d)")
_MONTH_ABBREVIATIONS = {
    "Jan.": "January", "Feb.": "February", "Mar.": "March", "Apr.": "April", "Aug.": "August",
    "Sept.": "September", "Sep.": "September", "Oct.": "October", "Nov.": "November", "Dec.": "December",
}  # fmt: skip
_MONTH_ABBREVIATION = re.compile(r"\b(" + "|".join(re.escape(m) for m in _MONTH_ABBREVIATIONS) + r")(?=\s*\d)")


def expand_abbreviations(text: str) -> str:
    """Titles and common abbreviations in full: "Gov. Chris Christie" -> "Governor Chris Christie"."""
    text = _MONTH_ABBREVIATION.sub(lambda m: _MONTH_ABBREVIATIONS[m.group(1)], text)
    text = _NUMBER_SIGN.sub(lambda m: "numbers " if m.group(0).startswith("Nos") else "number ", text)
    text = _SAINT.sub("Saint", text)
    text = _STREET.sub(lambda m: "Street." if m.end() == len(text) and m.group(0).endswith(".") else "Street", text)
    return _ABBREVIATION.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN = r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
# After these words a numeral is a number ("World War Two", "Super Bowl Fifty"); after other names it is
# an ordinal ("Pope Benedict the Sixteenth", "Henry the Eighth").
_CARDINAL_AFTER = frozenset((
    "War", "Bowl", "Vatican", "Phase", "Part", "Chapter", "Title", "Article", "Act", "Apollo", "Rocky", "Type",
    "Class", "Level", "Grade", "Stage", "Category", "Round", "Section", "Schedule", "Division", "Tier", "Volume",
    "Vol", "Book", "Season", "Episode", "Series", "Game", "Plan", "Model", "Mark", "Unit", "Gemini", "Zone",
    "League",
))  # fmt: skip
_WORLD_WAR_SHORT = re.compile(r"\bWW(I{1,2})\b")
_ROMAN_AFTER_NAME = re.compile(rf"\b(?P<name>[A-Z][a-z]+)\s+(?P<numeral>{_ROMAN})\b(?![.'’-]\w)")


def roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[ch] for ch in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def roman_numerals_in_words(text: str) -> str:
    """ "World War II" -> "World War Two"; "Pope Benedict XVI" -> "Pope Benedict the Sixteenth"."""
    text = _WORLD_WAR_SHORT.sub(lambda m: f"World War {m.group(1)}", text)

    def spoken(match: re.Match[str]) -> str:
        name, numeral = match.group("name"), match.group("numeral")
        if name in _CARDINAL_AFTER:
            return f"{name} {number_words(roman_value(numeral)).title()}"
        if len(numeral) < 2 and numeral != "V":  # "Malcolm X", "Plan I": not a regnal number
            return match.group(0)
        return f"{name} the {ordinal_words(roman_value(numeral)).title()}"

    return _ROMAN_AFTER_NAME.sub(spoken, text)


_LETTERS_NUMBER = re.compile(r"\b(?P<letters>[A-Z]{1,5})-?(?P<number>\d{1,4})\b(?![.,]\d)")


def letters_with_numbers(text: str) -> str:
    """ "COVID-19", "F-16", "G7" -> "COVID 19", "F 16", "G 7": the name, then the number, not a minus."""
    return _LETTERS_NUMBER.sub(lambda m: f"{m.group('letters')} {m.group('number')}", text)


_SCALES = {"k": "thousand", "m": "million", "mn": "million", "bn": "billion", "b": "billion", "tn": "trillion",
           "thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion"}  # fmt: skip
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kmb])(?![a-z]))?"
_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"), "US$": ("dollar", "dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"), "€": ("euro", "euros", "cent", "cents"),
    "¥": ("yen", "yen", "sen", "sen"), "₹": ("rupee", "rupees", "paisa", "paise"),
    "USD": ("dollar", "dollars", "cent", "cents"), "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
}  # fmt: skip
_SYMBOL = "|".join(re.escape(s) for s in sorted(_CURRENCIES, key=len, reverse=True))
_MONEY = re.compile(
    rf"(?<![\w$])(?P<symbol>{_SYMBOL})\s?(?P<whole>\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(?P<cents>\d{{1,2}}))?{_SCALE}"
    r"(?![\d\w])"
)


def money_in_words(text: str) -> str:
    """ "$1.2 billion" -> "one point two billion dollars"; "$2.50" -> "two dollars and fifty cents"."""

    def spoken(match: re.Match[str]) -> str:
        one, many, cent, cents = _CURRENCIES[match.group("symbol")]
        whole, fraction, scale = match.group("whole").replace(",", ""), match.group("cents"), match.group("scale")
        if scale:
            amount = number_words(whole + (f".{fraction}" if fraction else ""))
            return f"{amount} {_SCALES[scale.lower()]} {many}"
        unit = one if whole == "1" else many
        if fraction and int(fraction):
            fraction = int(fraction.ljust(2, "0"))
            return f"{number_words(int(whole))} {unit} and {number_words(fraction)} {cent if fraction == 1 else cents}"
        return f"{number_words(int(whole))} {unit}"

    return _MONEY.sub(spoken, text)


_PERCENT = re.compile(r"(?<=\d)\s?%")


def percent_in_words(text: str) -> str:
    return _PERCENT.sub(" percent", text)


_UNITS = {
    "km/h": "kilometers per hour", "kph": "kilometers per hour", "mph": "miles per hour", "km": "kilometers",
    "kg": "kilograms", "lbs": "pounds", "lb": "pounds", "cm": "centimeters", "mm": "millimeters",
    "ft": "feet", "mi": "miles", "kWh": "kilowatt hours", "kW": "kilowatts", "MW": "megawatts",
    "GW": "gigawatts", "mg": "milligrams", "ml": "milliliters", "oz": "ounces", "m": "meters",
}  # fmt: skip
_UNIT = re.compile(
    r"(?<=\d)\s?(?P<unit>" + "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True)) + r")(?![\w/])"
)
_TEMPERATURE = re.compile(r"(?<=\d)\s?°\s?(?P<scale>[CF])?\b")


_SCALE_SUFFIX = re.compile(r"(?<![\w.$£€¥])(?P<number>\d+(?:\.\d+)?)(?P<scale>bn|mn|tn|k|(?<=\.\d)m|(?<=\.\d\d)m)\b")


def scales_in_words(text: str) -> str:
    """ "2.3m viewers" -> "2.3 million viewers"; "40k fans" -> "40 thousand"; "1.2bn" -> "1.2 billion".
    A whole number before "m" stays metres ("100m sprint")."""
    return _SCALE_SUFFIX.sub(lambda m: f"{m.group('number')} {_SCALES[m.group('scale')]}", text)


def units_in_words(text: str) -> str:
    """ "30°C" -> "30 degrees Celsius"; "550 kg" -> "550 kilograms"; "60 mph" -> "60 miles per hour"."""
    text = _TEMPERATURE.sub(
        lambda m: " degrees" + {"C": " Celsius", "F": " Fahrenheit", None: ""}[m.group("scale")], text
    )
    return _UNIT.sub(lambda m: " " + _UNITS[m.group("unit")], text)


_TIME_ZONES = {"ET": "Eastern", "EST": "Eastern", "EDT": "Eastern", "CT": "Central", "CST": "Central",
               "CDT": "Central", "MT": "Mountain", "MST": "Mountain", "PT": "Pacific", "PST": "Pacific",
               "PDT": "Pacific", "BST": "British Summer Time", "CET": "Central European Time"}  # fmt: skip
_ZONE = r"(?:\s+(?P<zone>" + "|".join(_TIME_ZONES) + r"|GMT|UTC)\b)?"
_CLOCK = re.compile(
    r"\b(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?(?:\s*(?P<half>[AaPp])\.?\s?[Mm]\b\.?(?!\w))" + _ZONE
    + r"|\b(?P<hour24>\d{1,2}):(?P<minute24>\d{2})\b(?![:.]\d)" + _ZONE.replace("zone", "zone24")
)  # fmt: skip


def _minute_words(minute: int) -> str:
    return f"oh {number_words(minute)}" if minute < 10 else number_words(minute)


def times_in_words(text: str) -> str:
    """ "7:34 AM ET" -> "seven thirty-four a.m. Eastern"; "10 pm" -> "ten p.m."; "14:00" -> "fourteen hundred"."""

    def spoken(match: re.Match[str]) -> str:
        if match.group("half"):
            hour, minute, zone = int(match.group("hour")), int(match.group("minute") or 0), match.group("zone")
            if not 0 < hour <= 12 or minute > 59:
                return match.group(0)
            words = number_words(hour) + (f" {_minute_words(minute)}" if minute else "")
            words += f" {match.group('half').lower()}.m."  # what every engine reads as the letters
        else:
            hour, minute, zone = int(match.group("hour24")), int(match.group("minute24")), match.group("zone24")
            if hour > 24 or minute > 59:
                return match.group(0)
            if minute:
                words = f"{number_words(hour)} {_minute_words(minute)}"
            else:
                words = f"{number_words(hour)} hundred" if hour > 12 else f"{number_words(hour)} o'clock"
        if zone:
            words += f" {_TIME_ZONES.get(zone, zone)}"
        return words

    return _CLOCK.sub(spoken, text)


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_DAY = re.compile(rf"\b(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)")
_DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTHS})\b")


def dates_in_words(text: str) -> str:
    """ "March 6, 2017" -> "March sixth, 2017"; "3 September" -> "the third of September"."""
    text = _MONTH_DAY.sub(
        lambda m: (
            f"{m.group('month')} {ordinal_words(int(m.group('day')))}" if 0 < int(m.group("day")) <= 31 else m.group(0)
        ),
        text,
    )
    return _DAY_MONTH.sub(
        lambda m: (
            f"the {ordinal_words(int(m.group('day')))} of {m.group('month')}"
            if 0 < int(m.group("day")) <= 31
            else m.group(0)
        ),
        text,
    )


_DECADE = re.compile(r"(?<![\w,.])(?P<apostrophe>['‘’])?(?P<decade>\d{0,2}[1-9]0|\d{2}00)['’]?s\b")


def decades_in_words(text: str) -> str:
    """ "the 1990s" -> "the nineteen nineties"; "the '80s" -> "the eighties"; "in their 20s" -> "twenties"."""

    def spoken(match: re.Match[str]) -> str:
        decade = match.group("decade")
        if len(decade) == 4:
            return _plural_words(year_words(int(decade)))
        if len(decade) == 2:
            return _plural_words(number_words(int(decade)))
        return match.group(0)

    return _DECADE.sub(spoken, text)


_ORDINAL = re.compile(r"\b(?P<number>\d{1,3}(?:,\d{3})*)(?:st|nd|rd|th)\b")


_SHORT_ORDINAL = re.compile(r"\b(?P<number>\d*[23])d\b(?=\s+[A-Z])")  # "3d Infantry", "2d Lt.": older style


def ordinals_in_words(text: str) -> str:
    """ "the 23rd floor" -> "the twenty-third floor"; "the 3d Infantry" -> "the third Infantry"."""
    text = _SHORT_ORDINAL.sub(lambda m: ordinal_words(int(m.group("number"))), text)
    return _ORDINAL.sub(lambda m: ordinal_words(int(m.group("number").replace(",", ""))), text)


_PHONE = re.compile(
    r"(?<![\w-])(?:(?P<country>\+?1)[-. ])?(?:\((?P<area>\d{3})\)\s?|(?P<area2>\d{3})[-. ])?"
    r"(?P<exchange>\d{3})[-.](?P<line>\d{4})(?![\w-])"
)


def phone_numbers_in_words(text: str) -> str:
    """ "555-1234" -> "five five five, one two three four"; "(212) 555-0199" reads the area code first."""

    def spoken(match: re.Match[str]) -> str:
        groups = [match.group("country"), match.group("area") or match.group("area2")]
        groups += [match.group("exchange"), match.group("line")]
        return ", ".join(digit_words(group.lstrip("+")) for group in groups if group)

    return _PHONE.sub(spoken, text)


_FRACTIONS = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅛": (1, 8)}
_VULGAR = re.compile(r"(?:(?P<whole>\d+)\s?)?(?P<glyph>[½⅓⅔¼¾⅛])")
_FRACTION = re.compile(r"(?<![\d/.])(?:(?P<whole>\d+)\s+)?(?P<top>\d{1,2})/(?P<bottom>\d{1,2})(?![\d/])")


def _fraction_words(top: int, bottom: int) -> str:
    if bottom == 2:
        return "one half" if top == 1 else f"{number_words(top)} halves"
    name = "quarter" if bottom == 4 else ordinal_words(bottom)
    return f"{number_words(top)} {name}" + ("s" if top != 1 else "")


def fractions_in_words(text: str) -> str:
    """ "3/4" -> "three quarters"; "1 1/2" and "1½" -> "one and a half"; "24/7" stays "twenty-four seven"."""

    def spoken(whole: str | None, top: int, bottom: int, original: str, after: str = "") -> str:
        if not 1 < bottom <= 10 or top >= bottom or top == 0:  # not "3/16" or dates such as "3/12"
            return original
        if (top, bottom) == (1, 2) and not whole and re.match(r"\s+an?\b", after):
            return "half"  # "fell ½ a point": half a point
        if whole:
            article = "a" if top == 1 else number_words(top)
            name = "half" if bottom == 2 else "quarter" if bottom == 4 else ordinal_words(bottom)
            return f"{number_words(int(whole))} and {article} {name}" + ("s" if top != 1 else "")
        return _fraction_words(top, bottom)

    text = text.replace("24/7", "twenty-four seven").replace("9/11", "nine eleven")
    text = _VULGAR.sub(
        lambda m: spoken(m.group("whole"), *_FRACTIONS[m.group("glyph")], m.group(0), m.string[m.end() :]), text
    )
    return _FRACTION.sub(
        lambda m: spoken(
            m.group("whole"), int(m.group("top")), int(m.group("bottom")), m.group(0), m.string[m.end() :]
        ),
        text,
    )


_RANGE = re.compile(r"(?<![\d.,:/\w-])(?P<low>\d{1,4})\s?[-\u2013](?P<high>\d{1,4})(?![\d/-]|[.,]\d)")


def ranges_in_words(text: str) -> str:
    """ "2015-2017" and "2010-11" -> years "to" years; scores and ranges: "won 3-1" -> "won 3 to 1"."""

    def spoken(match: re.Match[str]) -> str:
        low, high = match.group("low"), match.group("high")
        if len(low) == 4 and 1100 <= int(low) <= 2099:
            if len(high) == 2:  # a season: "2010-11"
                high = str(int(low[:2] + high) if int(low[2:]) < int(high) else int(low[:2] + high) + 100)
            if len(high) == 4 and int(high) > int(low):
                return f"{year_words(int(low))} to {year_words(int(high))}"
            return match.group(0)
        if len(low) <= 3 and len(high) <= 3:
            return f"{low} to {high}"
        return match.group(0)

    return _RANGE.sub(spoken, text)


_NEGATIVE = re.compile(r"(?:(?<=^)|(?<=[\s(]))[-\u2212\u2013](?=\d)")


_LEADING_POINT = re.compile(r"(?:(?<=^)|(?<=[\s(]))\.(?P<digits>\d+)\b")


def negatives_in_words(text: str) -> str:
    """ "fell to -5 degrees" -> "fell to minus 5 degrees"; "rose .5 percent" -> "rose point five percent"."""
    text = _LEADING_POINT.sub(lambda m: f"point {digit_words(m.group('digits'))}", text)
    return _NEGATIVE.sub("minus ", text)


_NUMBER = re.compile(r"(?<![\w.])(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<decimals>\d+))?(?![\d,]\d)")


def numbers_in_words(text: str) -> str:
    """Every number left in words: "400,000" -> "four hundred thousand", "2.5" -> "two point five",
    "1990" -> "nineteen ninety" (a four-digit number without a comma is read as a year)."""

    def spoken(match: re.Match[str]) -> str:
        whole, decimals = match.group("whole"), match.group("decimals")
        following = text[match.end() : match.end() + 1]
        suffix = " " if following.isalpha() else ""  # "3D" -> "three D"
        if decimals:
            return number_words(f"{whole.replace(',', '')}.{decimals}") + suffix
        if len(whole) == 4 and (1100 <= int(whole) <= 1999 or 2010 <= int(whole) <= 2099):
            return year_words(int(whole)) + suffix
        return number_words(int(whole.replace(",", ""))) + suffix

    return _NUMBER.sub(spoken, text)


# Initialisms read as words stay words; the rest are spelled letter by letter. "WHO" is the World Health
# Organization, said as letters; a capitalised "Who" would be the question word.
ACRONYMS_SPOKEN_AS_WORDS = frozenset(
    [
        "NASA",
        "NATO",
        "ISIS",
        "UNICEF",
        "UNESCO",
        "COVID",
        "OPEC",
        "FIFA",
        "UEFA",
        "AIDS",
        "NAFTA",
        "ASEAN",
        "LASER",
        "RADAR",
        "SCUBA",
        "FEMA",
        "OSHA",
        "SWAT",
        "NOAA",
        "ICE",
        "DACA",
        "GIF",
        "PIN",
        "SIM",
        "CERN",
        "OFCOM",
        "OFSTED",
        "NIMBY",
        "MERS",
        "SARS",
        "ASAP",
        "POTUS",
        "SCOTUS",
        "INTERPOL",
        "EFTA",
    ]
)
_DOTTED_INITIALISM = re.compile(r"\b(?:[A-Z]\.){2,}(?!\w)")
_INITIALISM = re.compile(r"\b[A-Z]{2,8}s?\b")
_ROMAN_NUMERAL = re.compile(r"^X{0,3}(?:IX|IV|V?I{0,3})$")


def initialisms_as_letters(text: str) -> str:
    """ "US", "U.S.", "FBI" -> "U-S", "F-B-I"; "NASA", "NATO" -> "Nasa", "Nato" so they are read as words."""
    words = re.findall(r"[^\W\d_]+", text)
    if len(words) >= 4 and sum(word.isupper() for word in words) / len(words) > 0.75:
        return text  # a headline in capitals: leave it to the engine
    # Letters joined by hyphens are spelled in one breath ("C-E-O"); with spaces Piper pauses between them.
    text = _DOTTED_INITIALISM.sub(lambda m: "-".join(m.group(0).replace(".", "")) + " ", text)

    def spoken(match: re.Match[str]) -> str:
        word = match.group(0)
        plural = word.endswith("s")
        core = word[:-1] if plural else word
        if _ROMAN_NUMERAL.match(word):
            return word
        if core in ACRONYMS_SPOKEN_AS_WORDS:
            return core.capitalize() + ("s" if plural else "")
        if len(core) > 5:
            return word
        return "-".join(core) + ("'s" if plural else "")

    return _INITIALISM.sub(spoken, text)


NORMALISERS: tuple[Callable[[str], str], ...] = (
    dashes_as_pauses,
    ellipses_as_pauses,
    links_as_domains,
    handles_and_hashtags,
    expand_abbreviations,
    roman_numerals_in_words,
    letters_with_numbers,
    money_in_words,
    percent_in_words,
    scales_in_words,
    units_in_words,
    phone_numbers_in_words,
    times_in_words,
    dates_in_words,
    decades_in_words,
    ordinals_in_words,
    fractions_in_words,
    ranges_in_words,
    negatives_in_words,
    numbers_in_words,
    ampersands_as_and,
    initialisms_as_letters,
    collapse_spaces,
)
"""The English steps, in order (with addresses read as their domain)."""

EVERY_LANGUAGE: tuple[Callable[[str], str], ...] = (dashes_as_pauses, ellipses_as_pauses, collapse_spaces)
"""What runs for a language without rules of its own: punctuation only, the words untouched."""

LANGUAGE_RULES: dict[str, tuple[Callable[[str], str], ...]] = {"en": NORMALISERS}


def normalisers_for(language: str = "en", links: str = "domain") -> tuple[Callable[[str], str], ...]:
    """The steps for an article's language; ``links`` is "domain" (say it) or "skip" (leave addresses out)."""
    steps = LANGUAGE_RULES.get(primary_language(language) or "en", EVERY_LANGUAGE)
    if links == "skip":
        steps = tuple(links_skipped if step is links_as_domains else step for step in steps)
    return steps


def apply_pronunciations(text: str, pronunciations: Mapping[str, str]) -> str:
    """The user's own table: whole words or phrases replaced by how they should sound."""
    for written in sorted(pronunciations, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", pronunciations[written], text)
    return text


def speakable(
    text: str, pronunciations: Mapping[str, str] | None = None, language: str = "en", links: str = "domain"
) -> str:
    """Run the user's pronunciations, then every normaliser of the language in order."""
    if pronunciations:
        text = apply_pronunciations(text, pronunciations)
    for normaliser in normalisers_for(language, links):
        text = normaliser(text)
    return text


# A sentence ends at . ! or ? (closing quotes and brackets may follow) before a space and a capital, digit
# or opening quote; not after a title, an initial ("J. K."), a month or a dotted initialism ("U.S.").
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_TITLES = (*_ABBREVIATIONS, *_MONTH_ABBREVIATIONS, "St.", "No.", "Mr.", "Mrs.", "Ms.", "Mx.", "Messrs.")
_NO_BREAK_AFTER = re.compile(
    r"(?:(?<![\w.])(?:" + "|".join(re.escape(title[:-1]) for title in _TITLES) + r")\."  # Gov. Jan. Mr.
    r"|(?<![\w.])[A-Z]\."  # an initial: J. K. Rowling
    r"|(?<![\w.])(?:[A-Za-z]\.){2,})"  # U.S. p.m. D.C.: ambiguous, so kept in one cue
    r"[\"'”’)\]]*$"
)


def split_sentences(text: str) -> list[str]:
    """The sentences of a paragraph as written: what one transcript cue shows."""
    sentences: list[str] = []
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        head = text[start : boundary.start() + len(boundary.group().rstrip())]
        if _NO_BREAK_AFTER.search(head) and not head.endswith(("!", "?")):
            continue
        sentences.append(head.strip())
        start = boundary.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def plain_words(text: str) -> list[str]:
    """Lower-case words without punctuation, hyphens split, apostrophes dropped: text as a listener hears it."""
    text = text.lower().replace("-", " ").replace("'", "").replace("’", "")
    return re.sub(r"[^\w\s]+", " ", text).split()


# Quotations in double marks of the common scripts: “...”, "...", «...», „...“.
_QUOTATION = re.compile(r"“(?P<a>[^“”]+)”|\"(?P<b>[^\"]+)\"|«\s*(?P<c>[^«»]+?)\s*»|„(?P<d>[^„“”]+)[“”]")


def quoted_parts(sentence: str) -> list[tuple[str, bool]]:
    """A sentence cut at its quotation marks: (text, is_quote) in order, the marks dropped, and parts with
    nothing to say (a lone comma) left out."""
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _QUOTATION.finditer(sentence):
        parts.append((sentence[position : match.start()], False))
        parts.append((next(group for group in match.groups() if group is not None), True))
        position = match.end()
    parts.append((sentence[position:], False))
    return [(text.strip(), quote) for text, quote in parts if any(ch.isalnum() for ch in text)]
