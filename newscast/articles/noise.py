"""Page furniture a listener must never hear, as small named rules.

Three shapes of rule, each pure:
- cleaners, ``str -> str``: repair or cut text inside one unit (entities, inline player text);
- predicates, ``str -> bool``: this whole unit is furniture (a banner, a prompt, a gallery counter);
- context rules, ``list[str] -> set[int]``: units that are furniture because of their neighbours
  (a caption repeated around gallery markers, a teaser next to "Read More").
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata

# ---------------------------------------------------------------------------------------------
# Shared shapes

TERMINAL_PUNCTUATION = (".", "!", "?", ";", ":", ",", '"', "'", "\u201d", "\u2019", ")", "\u2026")
BULLET = re.compile(r"^(?:[\u2022\u00b7\u25aa\u25e6\u2023*\-\u2013]|\d{1,2}[.)])\s+(?=\S)")
DURATION = re.compile(r"\s*\b\d{1,2}:\d{2}(?::\d{2})?$")


def is_heading_like(text: str) -> bool:
    """Short, unpunctuated and capitalised: a subheading, a teaser or a video title."""
    words = text.split()
    return (
        0 < len(words) <= 12
        and len(text) <= 90
        and not text.endswith(TERMINAL_PUNCTUATION)
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"'\u201c")
        and not BULLET.match(text)
    )


def fingerprint(text: str) -> str:
    """Letters and digits only, case-folded: equal for a line and its HTML-escaped twin."""
    text = DURATION.sub("", html.unescape(html.unescape(text)))
    return "".join(ch for ch in text.casefold() if ch.isalnum())


# ---------------------------------------------------------------------------------------------
# Cleaners: str -> str

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\u200c\u200d\ufeff]")


def unescape_entities(text: str) -> str:
    """Decode HTML entities, also double-escaped ones such as ``&amp;#39;``."""
    for _ in range(3):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def strip_inline_tags(text: str) -> str:
    """Remove HTML tags that leaked into the text (``<a href=...>``, ``</b>``, ``<br/>``)."""
    return _TAG.sub(" ", text)


def strip_control_characters(text: str) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


_INLINE_PLAYER = re.compile(
    r"(?:JUST WATCHED\s+)?(?:(?P<title>[^\n]{1,150}?)\s+)?Replay\s+More Videos\s*(?:\.\.\.|\u2026)?\s*"
    r"MUST WATCH\s+.{0,150}?\s\d{1,2}:\d{2}(?::\d{2})?(?=\s|$)",
)
_INLINE_PLAYER_HEAD = re.compile(r"JUST WATCHED\s+")


def strip_inline_video_player(text: str) -> str:
    """Cut "JUST WATCHED <title> Replay More Videos ... MUST WATCH <title> 02:15" runs out of a paragraph."""
    if "MUST WATCH" not in text or "Replay" not in text:
        return text
    # Anchor each run at its "JUST WATCHED" so the title group never eats real text before it.
    pieces = _INLINE_PLAYER_HEAD.split(text)
    kept = [pieces[0]]
    for piece in pieces[1:]:
        kept.append(_INLINE_PLAYER.sub(" ", "JUST WATCHED " + piece, count=1).removeprefix("JUST WATCHED "))
    return " ".join(kept)


_GALLERY_FROM_LABEL = re.compile(r"\bPhotos?:\s.*\bHide Caption\s+\d+\s+of\s+\d+", re.DOTALL)
_GALLERY_FROM_START = re.compile(r"^.*\bHide Caption\s+\d+\s+of\s+\d+", re.DOTALL)


def strip_inline_gallery(text: str) -> str:
    """Cut a flattened photo gallery ("Photos: ... caption Hide Caption 3 of 20 ...") out of a paragraph."""
    if "Hide Caption" not in text:
        return text
    stripped = _GALLERY_FROM_LABEL.sub(" ", text)
    # Without its "Photos:" label a gallery's start is unknowable: cut from the paragraph's start.
    return _GALLERY_FROM_START.sub(" ", stripped)


_TRAILING_READ_MORE = re.compile(r"\s*\b(?:Read More|READ MORE|Read more)\s*(?:\.\.\.|\u2026|>+)?\s*$")


def strip_trailing_read_more(text: str) -> str:
    """Drop a "Read More" link glued to the end of a paragraph."""
    stripped = _TRAILING_READ_MORE.sub("", text)
    return stripped if stripped else text


_GLUED_SENTENCE = re.compile(r"(?<=[a-z0-9%)][.!?])(?=[A-Z][a-z])")
_STRAIGHT_QUOTE_AFTER_STOP = re.compile(r'(?<=[A-Za-z0-9][.!?,])"(?=[A-Za-z])')
_CURLY_OPEN_AFTER_STOP = re.compile(r"(?<=[A-Za-z0-9][.!?])(?=\u201c)")
_CURLY_CLOSE_GLUED = re.compile(r"(?<=[.!?,]\u201d)(?=[A-Za-z])")


def split_glued_sentences(text: str) -> str:
    """Put back the space a scrape lost between sentences ("rose.The", "said.\\"We", "said.”The")."""
    text = _GLUED_SENTENCE.sub(" ", text)
    text = _CURLY_OPEN_AFTER_STOP.sub(" ", text)
    text = _CURLY_CLOSE_GLUED.sub(" ", text)

    counted = {"upto": 0, "quotes": 0}  # quotes seen so far, counted once: linear on huge units

    def place_space(match: re.Match[str]) -> str:
        counted["quotes"] += text.count('"', counted["upto"], match.start())
        counted["upto"] = match.start()
        # An even count of quotes before this one means it opens a quotation: space before it.
        return ' "' if counted["quotes"] % 2 == 0 else '" '

    return _STRAIGHT_QUOTE_AFTER_STOP.sub(place_space, text)


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def strip_markdown(text: str) -> str:
    """Markdown from html2text-style dumps: images go, links keep their words, heading marks and bold go."""
    if not any(mark in text for mark in "[#*_"):
        return text
    text = _MD_IMAGE.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)


def drop_letterless(text: str) -> str:
    """A unit with no letter or digit ("* * *", "|", "---") is a rule or a separator."""
    return text if any(ch.isalnum() for ch in text) else ""


CLEANERS = (
    strip_control_characters,
    unescape_entities,
    strip_inline_tags,
    strip_markdown,
    strip_inline_gallery,
    strip_inline_video_player,
    strip_trailing_read_more,
    split_glued_sentences,
    collapse_whitespace,
    drop_letterless,
)


def clean_unit(text: str) -> str:
    """Run every cleaner over one unit of text."""
    for cleaner in CLEANERS:
        text = cleaner(text)
    return text


# ---------------------------------------------------------------------------------------------
# Predicates: str -> bool (the whole unit is furniture)


def _matches_whole(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{pattern})[\s:.!]*$", re.IGNORECASE)


_PLAYER_LABEL = _matches_whole(
    r"just watched|replay|more videos\s*(?:\.\.\.|\u2026)?|must watch|now playing|up next|watch now"
    r"|play video|video|autoplay(?: on| off)?|video ad feedback|\d{1,2}:\d{2}(?::\d{2})?"
)
_TITLE_WITH_DURATION = re.compile(r"^(?!.*[.!]\s).{3,120}?\s\d{1,2}:\d{2}(?::\d{2})?$")
_CLOCK_TIME = re.compile(
    r"\b(?:at|by|for|until|from|to|before|after|around|since|is|was|about)\s+\d{1,2}:\d{2}$", re.IGNORECASE
)
_MEDIA_LABEL = re.compile(r"^(?:video|watch|listen|audio|podcast)\s*[:|]\s", re.IGNORECASE)


def is_video_player_text(text: str) -> bool:
    """Player chrome: "JUST WATCHED", "Replay", "More Videos ...", "MUST WATCH", "Title 02:15"."""
    if _PLAYER_LABEL.match(text):
        return True
    if _TITLE_WITH_DURATION.match(text) and not _CLOCK_TIME.search(text):
        return True
    return bool(_MEDIA_LABEL.match(text)) and len(text) <= 150


_GALLERY_LABEL = re.compile(
    r"^(?:(?:hide|show|expand|close) caption(?:\s+\d+\s+of\s+\d+)?|\d{1,3}\s+of\s+\d{1,3}"
    r"|(?:photos?|images?|gallery|pictures?|photo gallery)\s*:\s.{0,150}"
    r"|(?:image|media|photo) caption\b.{0,300}|(?:photo|image|picture)\s*(?:credit)?\s*:.{0,120}"
    r"|(?:photograph|photo|image|picture)(?:\s+\w+){0,3}\s*/\s*\S.{0,80}"
    r"|.{0,300}\bCredit\s*(?:\.\.\.|\u2026|:)\s*\S.{0,80}|image (?:copyright|source)\b.{0,120})$",
    re.IGNORECASE,
)
_TWO_DIGITS_BEFORE_WORD = re.compile(r"(?:^|(?<=\D))(\d{2})(?=\s?[^\d\s])")


def is_gallery_text(text: str) -> bool:
    """Gallery chrome: "Photos: <title>", "Hide Caption", "3 of 20", photo credits."""
    return bool(_GALLERY_LABEL.match(text)) or is_thumbnail_labels(text)


def is_thumbnail_labels(text: str) -> bool:
    """A run of numbered thumbnail labels glued together: "01 Topic02 Topic RESTRICTED03 ..."."""
    numbers = [int(n) for n in _TWO_DIGITS_BEFORE_WORD.findall(text)]
    run = 0
    for previous, current in itertools.pairwise(numbers):
        run = run + 1 if current == previous + 1 else 0
        if run >= 2:
            return True
    return False


_PROMPT_START = re.compile(
    r"^(?:sign up|subscribe|follow|like us|join|share|download|get (?:the|our)|chat with|click|tap"
    r"|listen to|watch|read our|don't miss|never miss|stay (?:informed|up to date)|want (?:more|the)"
    r"|enjoy|support|become a|we'd love|got a (?:news )?tip|have a (?:news )?tip|send us|contact us)\b",
    re.IGNORECASE,
)
_PROMPT_TOPIC = re.compile(
    r"\b(?:newsletters?|inbox|e-?mail|facebook|twitter|instagram|messenger|whatsapp|telegram|tiktok"
    r"|youtube|linkedin|app|podcasts?|alerts|updates|notifications|subscribers?|us|here|free)\b",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(r"\bnewsletters?\b|\bsent (?:straight )?to your inbox\b", re.IGNORECASE)
_SHARE_WORD = re.compile(
    r"\b(?:share|share this|tweet|facebook|twitter|x|email|e-mail|linkedin|pinterest|reddit|whatsapp"
    r"|messenger|copy link|copy|link|print|comments?|save|on|via)\b",
    re.IGNORECASE,
)


def is_prompt(text: str) -> bool:
    """Newsletter, messenger and social-media invitations and rows of share buttons."""
    if len(text) > 260:
        return False
    if _PROMPT_START.match(text) and _PROMPT_TOPIC.search(text):
        return True
    if _NEWSLETTER.search(text) and len(text) <= 200:
        return True
    leftover = _SHARE_WORD.sub("", text)
    return not any(ch.isalnum() for ch in leftover) and any(ch.isalpha() for ch in text)


_BANNER = _matches_whole(
    r"breaking(?: news)?|developing(?: story)?|live(?: updates?| blog| tv)?|just in|exclusive"
    r"|advertisement|ad feedback|sponsored(?: content)?|paid (?:content|post|partner content)|promoted"
    r"|skip to .{0,40}|menu|search|sign in|log in|subscribe|edition(?::.{0,20})?|supported by|sections"
    r"|continue reading(?: the main story)?|site index|site (?:information )?navigation|go to home page.{0,3}"
    r"|most (?:read|popular|viewed|shared)|trending(?: now)?|top stories|recommended(?: for you)?"
    r"|you may (?:also )?like|more (?:from|on) .{1,40}|related(?: articles| stories| content| coverage| topics)?"
    r"|more stories|latest (?:news|stories)|this story has been updated|opinion|analysis"
    r"|(?:\w+ )?\d+ min(?:ute)?s? read|listen to (?:this )?article|comments?(?: \(\d+\))?"
)


_BREADCRUMB = re.compile(r"^[\w&' -]{1,30}(?:\s+[|\u203a\u00bb>/\u2022]\s+[\w&' -]{1,30}){1,5}$")


def is_banner(text: str) -> bool:
    """Site banners, section furniture and breadcrumbs: "Breaking News", "Most Read", "World | Science"."""
    return bool(_BANNER.match(text) or _BREADCRUMB.match(text))


_READ_MORE = _matches_whole(r"read more|continue reading|show more|see more|load more|more\s*>+|next article")
_TEASER_PREFIX = re.compile(
    r"^(?:related|read(?: more)?|see also|also read|also see|more|more on this|recommended|watch|listen"
    r"|read next|don't miss|explore more)\s*[:|\u2014>]\s*\S",
    re.IGNORECASE,
)


def is_read_more(text: str) -> bool:
    """A "Read More" link on its own, or a teaser line that starts "Related: ..." / "READ: ..."."""
    return bool(_READ_MORE.match(text)) or (bool(_TEASER_PREFIX.match(text)) and len(text) <= 200)


_COPYRIGHT = re.compile(
    r"^(?:\u00a9|\(c\)|copyright\b)|\ball rights reserved\b|\bterms of (?:use|service)\b.{0,40}\bprivacy\b",
    re.IGNORECASE,
)


def is_copyright(text: str) -> bool:
    return bool(_COPYRIGHT.search(text)) and len(text) <= 300


_GRAPHIC_LINK = re.compile(
    r"^\(?\s*(?:graphic|graphics|chart|map|interactive|factbox|video|pictures?|photos?|poll)\s*:.{0,200}"
    r"(?:\bhere|\bclick|\btap|https?://\S+)\s*\)?\.?$",
    re.IGNORECASE,
)


def is_graphic_link(text: str) -> bool:
    """Wire-service pointers to graphics: "(Graphic: Oil output since 2010 - here)"."""
    return bool(_GRAPHIC_LINK.match(text))


def is_marker(text: str) -> bool:
    """Gallery or video-player chrome: the anchors that make their neighbours furniture too."""
    return is_gallery_text(text) or is_video_player_text(text)


FURNITURE = (
    is_video_player_text,
    is_gallery_text,
    is_prompt,
    is_banner,
    is_read_more,
    is_copyright,
    is_graphic_link,
)


def is_furniture(text: str) -> bool:
    return any(rule(text) for rule in FURNITURE)


# ---------------------------------------------------------------------------------------------
# Context rules: list[str] -> indices of furniture


def near_marker(units: list[str], index: int, markers: list[bool], reach: int = 2) -> bool:
    low, high = max(0, index - reach), min(len(units), index + reach + 1)
    return any(markers[i] for i in range(low, high) if i != index)


def repeated_units(units: list[str]) -> set[int]:
    """Repeated lines are furniture: gallery captions, video titles, teaser twins.

    A line repeated next to gallery or player chrome, or short and unpunctuated, goes with all its
    copies; a repeated paragraph (a pull quote, a scrape that doubled a block) keeps its first copy.
    """
    markers = [is_marker(unit) for unit in units]
    positions: dict[str, list[int]] = {}
    for index, unit in enumerate(units):
        key = fingerprint(unit)
        if key:
            positions.setdefault(key, []).append(index)
    drop: set[int] = set()
    for indices in positions.values():
        if len(indices) < 2:
            continue
        if any(near_marker(units, i, markers) for i in indices) or is_heading_like(units[indices[0]]):
            drop.update(indices)
        else:
            drop.update(indices[1:])
    return drop


def sandwiched_between_markers(units: list[str]) -> set[int]:
    """A caption or a video title sits between two pieces of gallery or player chrome."""
    markers = [is_marker(unit) for unit in units]
    return {
        index for index in range(1, len(units) - 1) if not markers[index] and markers[index - 1] and markers[index + 1]
    }


def teasers_by_read_more(units: list[str]) -> set[int]:
    """A short unpunctuated line right before a "Read More" link is the teaser it links to."""
    return {
        index - 1
        for index, unit in enumerate(units)
        if index > 0 and _READ_MORE.match(unit) and is_heading_like(units[index - 1])
    }


def _latin_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for ch in letters if ch < "\u0250") / len(letters)


def other_script_links(units: list[str]) -> set[int]:
    """Short lines in another script than the page ("Read in Chinese" links on an English page)."""
    if _latin_share(" ".join(units)) < 0.8:
        return set()
    return {index for index, unit in enumerate(units) if len(unit) <= 80 and _latin_share(unit) < 0.5}


def _runs(units: list[str], member, shortest: int) -> set[int]:
    """Indices of every run of at least ``shortest`` consecutive units that ``member`` accepts."""
    found: set[int] = set()
    run: list[int] = []
    for index, unit in enumerate(units):
        if member(unit):
            run.append(index)
            continue
        if len(run) >= shortest:
            found.update(run)
        run = []
    return found | (set(run) if len(run) >= shortest else set())


def _is_menu_item(unit: str) -> bool:
    item = BULLET.sub("", unit)
    return bool(BULLET.match(unit)) and len(item.split()) <= 3 and not item.endswith(TERMINAL_PUNCTUATION)


def navigation_lists(units: list[str]) -> set[int]:
    """Four or more bulleted one-to-three-word links in a row are a menu, not a list in the story."""
    return _runs(units, _is_menu_item, 4)


CONTEXT_RULES = (repeated_units, sandwiched_between_markers, teasers_by_read_more, other_script_links, navigation_lists)


def furniture_in_context(units: list[str]) -> set[int]:
    """Indices of every unit that some rule, alone or in context, calls furniture."""
    drop = {index for index, unit in enumerate(units) if is_furniture(unit)}
    for rule in CONTEXT_RULES:
        drop |= rule(units)
    return drop


def teaser_runs(units: list[str]) -> set[int]:
    """Two or more short unpunctuated lines in a row inside a body are a block of related links."""
    return _runs(units, is_heading_like, 2)
