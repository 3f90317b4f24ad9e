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
from collections.abc import Callable

from . import labels, signals

# ---------------------------------------------------------------------------------------------
# Shared shapes

TERMINAL_PUNCTUATION = (
    ".", "!", "?", ";", ":", ",", '"', "'", "\u201d", "\u2019", ")", "\u2026", "\u3002", "\uff01", "\uff1f", "\u300d",
)  # fmt: skip
BULLET = re.compile(r"^(?:[\u2022\u00b7\u25aa\u25e6\u2023*\-\u2013]|\d{1,2}[.)])\s+(?=\S)")
DURATION = re.compile(r"\s*\b\d{1,2}:\d{2}(?::\d{2})?$")


def is_heading_like(text: str) -> bool:
    """Short, unpunctuated and capitalised: a subheading, a teaser or a video title."""
    words = signals.word_count(text)
    return (
        0 < words <= 12
        and len(text) <= 90
        and not text.endswith(TERMINAL_PUNCTUATION)
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"'\u201c")
        and not BULLET.match(text)
    )


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() and "_"


def fingerprint(text: str) -> str:
    """Letters and digits only, case-folded: equal for a line and its HTML-escaped twin."""
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if text.removesuffix("\n")[-1:].isdigit():  # DURATION ends in a digit: skip its scan otherwise
        text = DURATION.sub("", text)
    return _NOT_ALNUM.sub("", text.casefold())


# ---------------------------------------------------------------------------------------------
# Cleaners: str -> str

# A leaked tag: an element name with attributes ("<a href=...>"), or a known element alone ("</b>", "<br/>").
# "<The Palace: Tale of a Clown>" (a title in angle brackets) is text.
_HTML_ELEMENTS = (
    "a|abbr|article|aside|audio|b|big|blockquote|body|br|button|center|cite|code|del|div|em|figcaption|figure|font"
    "|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|label|li|link|mark|meta|nav|noscript|ol|p"
    "|picture|pre|q|s|script|section|small|source|span|strike|strong|style|sub|sup|table|tbody|td|th|thead|time"
    "|title|tr|tt|u|ul|video"
)
_TAG = re.compile(rf"</?(?:(?i:{_HTML_ELEMENTS})\s*/?>|[A-Za-z][A-Za-z0-9]*\s[^<>]*=[^<>]*>)")
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
    return _TAG.sub(" ", text) if "<" in text else text


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
_LAST_COUNTER = re.compile(r"\bHide Caption\s+(\d+)\s+of\s+(\d+)(?!.*\bHide Caption)", re.DOTALL)
_LAST_CAPTION = re.compile(r"^\s*Photos?:\s.{0,500}$", re.DOTALL)


def strip_inline_gallery(text: str) -> str:
    """Cut a flattened photo gallery ("Photos: ... caption Hide Caption 3 of 20 ...") out of a paragraph."""
    if "Hide Caption" not in text:
        return text
    last = _LAST_COUNTER.search(text)
    if last and int(last.group(1)) < int(last.group(2)) and _LAST_CAPTION.match(text[last.end() :]):
        text = text[: last.end()]  # the gallery's last caption carries no "Hide Caption" after it
    stripped = _GALLERY_FROM_LABEL.sub(" ", text)
    # Without its "Photos:" label a gallery's start is unknowable: cut from the paragraph's start.
    return _GALLERY_FROM_START.sub(" ", stripped)


_INLINE_PHOTO_CREDIT = re.compile(
    r"\s*\((?:[A-Z][\w.&]*\s)?(?:Photo|Foto|Photograph|Image)s?\s*/\s*[^()]{1,60}\)"
    r"|\s*\b(?:Photograph|Photo|Image|Foto)\s*:\s*[\w.' -]{1,40}/[\w.' -]{1,40}$"
)


def strip_photo_credits(text: str) -> str:
    """Cut a photo credit out of a caption: "(AP Photo/Jane Roe)", "... Photograph: X/Getty Images"."""
    if "/" not in text:
        return text
    stripped = _INLINE_PHOTO_CREDIT.sub("", text)
    return stripped if stripped.strip() else text


def _label_alternatives(phrases: tuple[str, ...]) -> str:
    """A regex alternation of phrases, the longest first."""
    return "|".join(sorted((re.escape(p) for p in phrases), key=len, reverse=True))


_TRAILING_READ_MORE = re.compile(r"\s*\b(?:Read More|READ MORE|Read more)\s*(?:\.\.\.|\u2026|>+)?\s*$")
_LINK_PHRASES = _label_alternatives((*labels.LINK_LABELS, *labels.SHARE_LABELS, "read more"))
# A link label in brackets ("[czytaj więcej]"), or a share button after the sentence it shares ("... Click To Tweet").
_TRAILING_LINK_LABEL = re.compile(
    rf"\s*(?:[\[(]\s*(?:{_LINK_PHRASES})\s*(?:\.\.\.|\u2026|>+)?\s*[\])]"
    rf"|(?<=[.!?\u2026\"'\u201d\u2019])\s*(?:{_label_alternatives(labels.SHARE_LABELS)}))\s*$",
    re.IGNORECASE,
)


def strip_trailing_read_more(text: str) -> str:
    """Drop a "Read More" link glued to the end of a paragraph, a bracketed link label ("[czytaj więcej]") or
    a share button after a quotation ("... Click To Tweet")."""
    tail = text.rstrip(" \t\n.\u2026>")
    if tail.lower().endswith("read more"):
        stripped = _TRAILING_READ_MORE.sub("", text)
        return stripped if stripped else text
    if tail[-1:] in ")]" or tail[-5:].lower() == "tweet" or tail[-5:].lower() == "quote":
        stripped = _TRAILING_LINK_LABEL.sub("", text)
        return stripped if stripped.strip() else text
    return text


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
    strip_photo_credits,
    split_glued_sentences,
    collapse_whitespace,
    drop_letterless,
)


def clean_unit(text: str) -> str:
    """Run every cleaner over one unit of text."""
    for cleaner in CLEANERS:
        text = cleaner(text)
    return text


# Cleaners that cut page furniture out of a unit (the others only repair it), named for --dropped.
CUTTERS = {
    strip_inline_gallery: "inline gallery",
    strip_inline_video_player: "inline video player",
    strip_trailing_read_more: "read more",
    strip_photo_credits: "photo credit",
}


def clean_unit_with_cuts(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``clean_unit``, also returning each stretch of text a cutter removed and the cutter's name."""
    cuts: list[tuple[str, str]] = []
    for cleaner in CLEANERS:
        cleaned = cleaner(text)
        if cleaner in CUTTERS and cleaned != text:
            cuts.extend((removed, CUTTERS[cleaner]) for removed in _removed(text, cleaned))
        text = cleaned
    return text, cuts


def _removed(before: str, after: str) -> list[str]:
    import difflib

    old, new = before.split(), after.split()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    return [" ".join(old[i1:i2]) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("delete", "replace")]


# ---------------------------------------------------------------------------------------------
# Predicates: str -> bool (the whole unit is furniture)


def _matches_whole(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"^(?:{pattern})[\s:.!]*$", re.IGNORECASE)


_PLAYER_LABEL = _matches_whole(
    r"just watched|replay|more videos\s*(?:\.\.\.|\u2026)?|must watch|now playing|up next|watch now"
    r"|play video|video|autoplay(?: on| off)?|video ad feedback|\d{1,2}:\d{2}(?::\d{2})?"
    # how long a video stays online: "Video verfügbar bis 28.02.2021"
    r"|(?:video\s+)?(?:available until|verfügbar bis|disponible hasta|disponible jusqu'(?:au|à)|disponibile fino al)"
    r"\s+[\w./ -]{1,30}"
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
    ends_in_digit = text.removesuffix("\n")[-1:].isdigit()
    if ends_in_digit and _TITLE_WITH_DURATION.match(text) and not _CLOCK_TIME.search(text):
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
    return bool(_GALLERY_LABEL.match(text)) or (len(text) <= 400 and is_thumbnail_labels(text))


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
    r"^(?:for (?:the )?latest\b.{0,80}?\b(?:download|follow|subscribe|sign up)"
    r"|sign up|subscribe|follow|like us|join|share|download|get|chat with|click|tap"
    r"|listen to|watch|read our|don't miss|never miss|stay (?:informed|up to date)|want (?:more|the)"
    r"|enjoy|support|become a|we'd love|got a (?:news )?tip|have a (?:news )?tip|send us|contact us)\b"
    # an imperative takes an object or a particle; "Download speeds ..." or "Join us, the mayor said" do not
    r"(?=[\s:]+(?:us\b(?!,)|our|the|this|it|now|today|free|for|to|on|up|in|here|@|more|a\b|an\b|all|news|breaking)"
    r"|\s*[:!.]?$)",
    re.IGNORECASE,
)
_PROMPT_TOPIC = re.compile(
    r"\b(?:newsletters?|inbox|e-?mail|facebook|twitter|instagram|messenger|whatsapp|telegram|tiktok"
    r"|youtube|linkedin|apps?|podcasts?|alerts|updates|notifications|subscribers?|us|here|free|edition"
    r"|full story|@\w+)\b",
    re.IGNORECASE,
)
# A newsletter mentioned to the reader ("you", "your inbox", "sign up"), not one reported on.
_NEWSLETTER_PITCH = re.compile(
    r"\bnewsletters?\b.*\b(?:you|your|sign up|subscribe)\b|\b(?:you|your|sign up|subscribe)\b.*\bnewsletters?\b"
    r"|\bsent (?:straight )?to your inbox\b",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|added|asked|according to|wrote|tweeted)\b", re.IGNORECASE)
_SHARE_WORD = re.compile(
    r"\b(?:share|share this|tweet|facebook|twitter|x|email|e-mail|linkedin|pinterest|reddit|whatsapp"
    r"|messenger|copy link|copy|link|print|comments?|save|on|via)\b",
    re.IGNORECASE,
)
_HANDLE_PROMPT = re.compile(r"^(?:(?:follow|on|and|us|me|at|twitter|x|instagram|[:,|]|@\w+)\s*)+$", re.IGNORECASE)


def is_prompt(text: str) -> bool:
    """Newsletter, messenger and social-media invitations and rows of share buttons, by their whole shape."""
    if len(text) > 260 or _ATTRIBUTION.search(text):
        return False
    if _PROMPT_START.match(text) and _PROMPT_TOPIC.search(text):
        return True
    if _NEWSLETTER_PITCH.search(text) and len(text) <= 200:
        return True
    if "@" in text and _HANDLE_PROMPT.match(text):  # "Follow @desk Follow @reporter"
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
    r"|more stories|latest (?:news|stories)|this story has been updated"
    r"|(?:\w+ )?\d+ min(?:ute)?s? read|listen to (?:this )?article|comments?(?: \(\d+\))?"
)


_BREADCRUMB = re.compile(r"^[\w&' -]{1,30}(?:\s+[|\u203a\u00bb>/\u2022]\s+[\w&' -]{1,30}){1,5}[?!]?$")


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
    # "Copyright 2024 ...", "(c) The Post": a mark and then a year or a name, not "Copyright lawyers said"
    r"^(?:\u00a9|\(c\)|copyright\s*(?:\u00a9|\(c\)|\d{4}\b|$))|\ball rights reserved\b"
    r"|\bterms of (?:use|service)\b.{0,40}\bprivacy\b",
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


_TIMESTAMP = re.compile(
    r"^(?:\d{1,3}\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"|(?:updated|published|posted|last updated|modified|aktualisiert|actualizado|mis à jour)\s*:?\s*"
    r"(?=.{0,50}\d).{1,50}"
    r"|\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*(?:uhr|h|am|pm))?)?"
    r"|\d{1,2}:\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?\s*(?:et|edt|est|gmt|utc|bst|cet|pt)?)\.?$",
    re.IGNORECASE,
)
_READ_TIME = re.compile(
    rf"^(?:(?:{'|'.join(labels.READ_TIME_WORDS)})\s*:?\s*)?(?:ca\.\s*)?\d{{1,3}}\s*"
    r"(?:min(?:ute)?s?|minuten|minutos|minuti|minutes)\.?(?:\s+(?:read|lesen|de lectura|di lettura|lesezeit))?$",
    re.IGNORECASE,
)


def is_timestamp(text: str) -> bool:
    """A time or reading time standing alone: "7 years ago", "UPDATED: Tue., Nov. 19", "Lesezeit: 2 Minuten"."""
    return len(text) <= 70 and bool(_TIMESTAMP.match(text) or _READ_TIME.match(text))


_ADDRESS = re.compile(
    r"^(?:(?:e-?mail|web|website|url|source|quelle|fuente)\s*:\s*)?(?:https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\.?$",
    re.IGNORECASE,
)


def is_bare_address(text: str) -> bool:
    """A URL or an e-mail address alone on its line: unspeakable, and never the story."""
    return bool(_ADDRESS.match(text))


_CREDIT_NAME = r"[A-Z][\w.'\u2019&-]*(?:\s+[A-Z][\w.'\u2019&-]*){0,4}"
_PHOTO_CREDIT = re.compile(
    rf"^\(?(?:{_CREDIT_NAME})\s*/\s*(?:{_CREDIT_NAME})\)?\.?$"  # "AFP / JOHN DOE", "Reuters/Jane Roe"
    rf"|^\(?(?:photograph|photo|foto|image|bild|picture|illustration)s?\s*(?:by|:)\s*.{{1,80}}$",
    re.IGNORECASE,
)


def is_photo_credit(text: str) -> bool:
    """A photo credit on its own: "AFP / NAME", "Photograph: X/Getty Images", "(AP Photo/X)"."""
    return len(text) <= 100 and bool(_PHOTO_CREDIT.match(text) or _INLINE_PHOTO_CREDIT.fullmatch(" " + text))


_LATIN_LETTER = r"[A-Za-z\u00c0-\u024f]"
_OTHER_LETTER = r"[\u0370-\u03ff\u0400-\u04ff]"  # Greek and Cyrillic, whose letters look like Latin ones
_MIXED_WORD = re.compile(rf"\b(?=\w*{_LATIN_LETTER})(?=\w*{_OTHER_LETTER})\w+\b")
_DISGUISED_WORDS = 3


def is_disguised_text(text: str) -> bool:
    """Words spelt with look-alike letters of two scripts ("Аdvеrtіѕе" with Cyrillic А, е, і, ѕ): an ad
    written to slip past filters. Real words, in any language, keep to one script."""
    if not re.search(_OTHER_LETTER, text):
        return False
    mixed = _MIXED_WORD.findall(text)
    return len(mixed) >= _DISGUISED_WORDS and len(mixed) >= 0.2 * len(text.split())


_FIGURE_CAPTION = re.compile(
    rf"^(?:{_label_alternatives(labels.FIGURE_WORDS)})\s*\d{{1,3}}[a-z]?\s*[:.|\u2013\u2014-]\s*\S",
    re.IGNORECASE,
)
_FIGURE_CAPTION_WORDS = 60


def is_figure_caption(text: str) -> bool:
    """The caption of a numbered figure ("Abbildung 4: klassische Schwachschicht."); "Figure 3 shows ..." is prose."""
    return bool(_FIGURE_CAPTION.match(text)) and len(text.split()) <= _FIGURE_CAPTION_WORDS


_META_LABEL = re.compile(rf"(?<!\w)(?:{_label_alternatives(labels.META_LABELS)})\s*:", re.IGNORECASE)
_TAXONOMY_LABEL = re.compile(rf"(?<!\w)(?:{_label_alternatives(labels.TAXONOMY_LABELS)})\s*:", re.IGNORECASE)
_LEADING_DATE = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b")
_META_VALUE_WORDS = 8


def is_metadata_line(text: str) -> bool:
    """A line of the page's filing: "News date : 04/21/2022 Category : Press Releases", "05/10/2018 - Publicado
    por: Ana Souza - Categoria: Saúde - Tags: ...": two labels or more, one of them the site's category or tags,
    each with a short value, from the line's start."""
    if len(text) > 300 or not _TAXONOMY_LABEL.search(text):
        return False
    found = list(_META_LABEL.finditer(text))
    if len(found) < 2:
        return False
    opening = text[: found[0].start()]
    if opening.strip(" -|\u2013\u2014\u2022") and not _LEADING_DATE.match(opening):
        return False
    ends = [match.start() for match in found[1:]] + [len(text)]
    values = [text[match.end() : end] for match, end in zip(found, ends, strict=True)]
    return all(len(value.split()) <= _META_VALUE_WORDS for value in values)


_SOURCE_LINE = re.compile(
    rf"^\(?(?:{_label_alternatives(labels.SOURCE_WORDS)})\s*:(?:\s*\S.{{0,150}})?$", re.IGNORECASE
)
_SOURCE_LINE_WORDS = 16


def is_source_line(text: str) -> bool:
    """ "Quelle: Landesregierung", "Source: Census Bureau", "Quellenangaben:": where a figure or the story came from."""
    return len(text.split()) <= _SOURCE_LINE_WORDS and bool(_SOURCE_LINE.match(text))


def is_label(text: str) -> bool:
    """A paywall, comment-form, teaser or stand-in label (data in labels.py) making up the whole unit."""
    return bool(labels.whole_unit_label(text)) or labels.teaser_line(text)


def is_marker(text: str) -> bool:
    """Gallery or video-player chrome: the anchors that make their neighbours furniture too."""
    return is_gallery_text(text) or is_video_player_text(text)


# Each rule with the name --dropped reports. Rules marked loose judge a unit by a phrase near its start;
# they never drop a unit that reads like prose (see signals.is_prose).
FURNITURE = (
    ("video player", is_video_player_text, True),
    ("gallery", is_gallery_text, True),
    ("prompt", is_prompt, False),
    ("banner", is_banner, False),
    ("read more", is_read_more, True),
    ("copyright", is_copyright, False),
    ("graphic link", is_graphic_link, False),
    ("timestamp", is_timestamp, False),
    ("address", is_bare_address, False),
    ("photo credit", is_photo_credit, False),
    ("label", is_label, False),
    ("figure caption", is_figure_caption, False),
    ("page metadata", is_metadata_line, False),
    ("source line", is_source_line, True),
    ("disguised text", is_disguised_text, False),
)


def furniture_rule(text: str, prose: bool = False) -> str:
    """The name of the first rule that calls this whole unit furniture, or ""."""
    for name, rule, loose in FURNITURE:
        if (not prose or not loose) and rule(text):
            return name
    return ""


def is_furniture(text: str) -> bool:
    return bool(furniture_rule(text))


# ---------------------------------------------------------------------------------------------
# Context rules: list[str] -> indices of furniture


def near_marker(units: list[str], index: int, markers: list[bool], reach: int = 2) -> bool:
    low, high = max(0, index - reach), min(len(units), index + reach + 1)
    return any(markers[i] for i in range(low, high) if i != index)


def repeated_units(units: list[str], markers: list[bool] | None = None) -> set[int]:
    """Repeated lines are furniture: gallery captions, video titles, teaser twins.

    The copies of a repeated line next to gallery or player chrome go; of its other copies (a subheading, a
    pull quote, a scrape that doubled a block, a line a meal plan gives every day) the first stays.
    """
    markers = markers if markers is not None else [is_marker(unit) for unit in units]
    positions: dict[str, list[int]] = {}
    for index, unit in enumerate(units):
        key = fingerprint(unit)
        if key:
            positions.setdefault(key, []).append(index)
    drop: set[int] = set()
    for indices in positions.values():
        if len(indices) < 2:
            continue
        chrome = {i for i in indices if near_marker(units, i, markers)}
        drop.update(chrome)
        drop.update([i for i in indices if i not in chrome][1:])
    return drop


def sandwiched_between_markers(units: list[str], markers: list[bool] | None = None) -> set[int]:
    """A caption or a video title sits between two pieces of gallery or player chrome."""
    markers = markers if markers is not None else [is_marker(unit) for unit in units]
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


def teasers_under_label(units: list[str]) -> set[int]:
    """The titles listed under a teaser label ("SEE MORE:", "Lesen Sie auch") up to the next real paragraph."""
    drop: set[int] = set()
    for index, unit in enumerate(units):
        if not labels.is_teaser_label(unit):
            continue
        for follower in range(index + 1, min(len(units), index + 7)):
            if not is_heading_like(BULLET.sub("", units[follower])):
                break
            drop.add(follower)
    return drop


_SUBSCRIPTION_PITCH = re.compile(r"\b(?:subscri\w*|log in|sign in|join now|renew)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you\u2019re)\b", re.IGNORECASE)


def paywall_blocks(units: list[str]) -> set[int]:
    """The pitch around a paywall line: the next few units that sell a subscription to "you"."""
    drop: set[int] = set()
    for index, unit in enumerate(units):
        if labels.whole_unit_label(unit) != "paywall":
            continue
        for follower in range(index + 1, min(len(units), index + 5)):
            text = units[follower]
            if len(text.split()) <= 60 and _SUBSCRIPTION_PITCH.search(text) and _SECOND_PERSON.search(text):
                drop.add(follower)
    return drop


_NOT_LETTER = re.compile(r"[\W\d_]+")
_NOT_LATIN = re.compile(r"[^\u0000-\u024f]+")


def _latin_share(text: str) -> float:
    letters = _NOT_LETTER.sub("", text)
    if not letters:
        return 1.0
    return len(_NOT_LATIN.sub("", letters)) / len(letters)


_SCRIPT_SAMPLE = 100_000  # characters: the page's script is plain from its first hundred thousand


def other_script_links(units: list[str]) -> set[int]:
    """Short lines in another script than the page ("Read in Chinese" links on an English page)."""
    if _latin_share(" ".join(units)[:_SCRIPT_SAMPLE]) < 0.8:
        return set()
    return {index for index, unit in enumerate(units) if len(unit) <= 80 and _latin_share(unit) < 0.5}


def _runs(units: list[str], member, shortest: int) -> list[list[int]]:
    """Every run of at least ``shortest`` consecutive units that ``member`` accepts."""
    found: list[list[int]] = []
    run: list[int] = []
    for index, unit in enumerate([*units, None]):
        if unit is not None and member(unit):
            run.append(index)
            continue
        if len(run) >= shortest:
            found.append(run)
        run = []
    return found


def _is_menu_item(unit: str) -> bool:
    item = BULLET.sub("", unit)
    return bool(BULLET.match(unit)) and len(item.split()) <= 3 and not item.endswith(TERMINAL_PUNCTUATION)


def navigation_lists(units: list[str]) -> set[int]:
    """Four or more bulleted one-to-three-word links in a row are a menu, not a list in the story.

    A list the story introduces ("You will need:") or one with story prose on both sides stays.
    """
    drop: set[int] = set()
    for run in _runs(units, _is_menu_item, 4):
        before, after = units[: run[0]], units[run[-1] + 1 :]
        introduced = bool(before) and before[-1].endswith(":")
        inside_story = any(signals.is_prose(u, "") for u in before) and any(signals.is_prose(u, "") for u in after)
        if not introduced and not inside_story:
            drop.update(run)
    return drop


CONTEXT_RULES: tuple[tuple[str, Callable[..., set[int]]], ...] = (
    ("repeated", repeated_units),
    ("between gallery or player chrome", sandwiched_between_markers),
    ("teaser before read more", teasers_by_read_more),
    ("teaser under a label", teasers_under_label),
    ("paywall", paywall_blocks),
    ("link in another script", other_script_links),
    ("navigation menu", navigation_lists),
)


_MARKER_RULES = (repeated_units, sandwiched_between_markers)  # given the markers, computed once


def furniture_in_context(units: list[str], prose: list[bool] | None = None) -> dict[int, str]:
    """Every unit that some rule, alone or in context, calls furniture, with the rule's name."""
    prose = prose or [False] * len(units)
    drop = {index: rule for index, unit in enumerate(units) if (rule := furniture_rule(unit, prose[index]))}
    markers = [is_marker(unit) for unit in units]
    for name, context_rule in CONTEXT_RULES:
        found = context_rule(units, markers) if context_rule in _MARKER_RULES else context_rule(units)
        for index in found:
            drop.setdefault(index, name)
    return drop


def _is_link_text(unit: str) -> bool:
    """A few words with no sentence end, in any case: a menu entry or a footer link ("email newsletters")."""
    return signals.word_count(unit) <= 5 and not unit.endswith(TERMINAL_PUNCTUATION) and not BULLET.match(unit)


def teaser_runs(units: list[str]) -> set[int]:
    """Two or more short unpunctuated lines in a row inside a body are a block of related links,
    and so are three or more link-sized lines in any case (a site footer)."""
    runs = [run for run in _runs(units, is_heading_like, 2) if not _heads_a_section(units, run)]
    runs += _runs(units, _is_link_text, 3)
    return {index for run in runs for index in run}


def _heads_a_section(units: list[str], run: list[int]) -> bool:
    """A heading and its subheading ("Mayor vs. council", "WINNER: Mayor") over a paragraph of story prose."""
    after = run[-1] + 1
    return len(run) == 2 and after < len(units) and signals.is_prose(units[after], "")
