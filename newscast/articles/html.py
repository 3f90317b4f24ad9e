"""Saved HTML pages -> Article: trafilatura finds the article, then the same noise rules as text.

Every text node trafilatura keeps becomes a unit (the recall floor); units that are nearly all link text
are dropped here, and the rest go to ``units.read_body``, the body classification the text reader uses too.
"""

from __future__ import annotations

import logging
import re
import warnings

from ..errors import ArticleError
from ..models import OUTSIDE_THE_ARTICLE, Article, Dropped
from . import labels, noise, signals
from .byline import byline_fields, is_byline
from .dates import find_date
from .language import declared_language, detect_language, words
from .layout import PageLayout, link_share, story_chunks
from .units import TABLE_MARK, read_body

_DOCUMENT_TAG = re.compile(r"<(?:!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE)
_LEADING_MARKUP = re.compile(r"<(?:!--|style|script|meta|link|title|br|b|div|p|article|\?xml)[\s/>]", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Decide by content, not by extension: document tags near the top of the file.

    A page may open with a <style> block, a comment, "<br />" or a PHP warning before its <html>.
    """
    head = text[:4096]
    if _DOCUMENT_TAG.search(head):
        return True
    stripped = head.lstrip()
    if stripped.startswith("<") and _DOCUMENT_TAG.search(text[:65536]):
        return True
    lower = stripped.lower()
    return stripped.startswith("<") and any(
        tag in lower for tag in ("<head", "<body", "<meta", "<div", "<p>", "<article")
    )


def _extract_tree(html: str, url: str | None):
    import trafilatura
    from lxml import etree

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            xml = trafilatura.extract(
                html,
                url=url,
                output_format="xml",
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                include_images=False,
                include_links=True,
                deduplicate=False,
            )
        except Exception as error:  # trafilatura and lxml raise many kinds on broken markup
            raise ArticleError(f"cannot parse the HTML page: {error}") from error
    if not xml:
        return None
    try:
        return etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError as error:
        raise ArticleError(f"cannot parse the HTML page: {error}") from error


_BLOCK_TAGS = {"p", "head", "list", "quote", "table", "code", "div", "item"}


def _units(main) -> tuple[list[str], list[float], str]:
    """Every text node trafilatura kept, in order, as units: the recall floor; each unit's share of
    link text; and the page's first h1.

    Text loose after a heading (an element's tail) is its own unit, ordered lists keep their numbers,
    a table is one unit of rows.
    """
    units: list[str] = []
    shares: list[float] = []
    loose: list[str] = []  # inline text between blocks, joined into one unit
    h1 = ""

    def add(text: str | None, share: float = 0.0) -> None:
        text = noise.clean_unit(text or "")
        if text:
            units.append(text)
            shares.append(share)

    def flush() -> None:
        add(" ".join(loose))
        loose.clear()

    def walk(element) -> None:
        nonlocal h1
        loose.append(element.text or "")
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag not in _BLOCK_TAGS:  # inline markup (hi, ref, lb) loose in the main text
                loose.append(_text(child))
                loose.append(child.tail or "")
                continue
            flush()
            if tag == "list":
                numbered = (child.get("rend") or "").startswith("ol")
                items = [item for item in child if item.tag == "item"]
                item_shares = [link_share(item, "ref") for item in items]
                # A list of links is a menu or teasers; a list of mostly plain items is the story's, links and all.
                if sum(share >= LINK_SHARE for share in item_shares) * 2 < len(items):
                    item_shares = [0.0] * len(items)
                for number, (item, share) in enumerate(zip(items, item_shares, strict=True), 1):
                    text = _text(item)
                    if text.strip():
                        mark = f"{number}. " if numbered and not text.strip()[:1].isdigit() else "\u2022 "
                        add(mark + text, share)
            elif tag == "table" and not _is_data_table(child):
                for cell in child.iter("cell"):  # a layout table: its cells hold the story
                    walk(cell)
            elif tag == "table":
                rows = [
                    " | ".join(noise.clean_unit(_text(cell)) for cell in row if cell.tag == "cell")
                    for row in child.iter("row")
                ]
                rows = [row for row in rows if row.strip(" |")]
                if rows:
                    units.append(TABLE_MARK + "\n".join(rows))
                    shares.append(0.0)
            elif tag == "head" and child.get("rend") == "h1" and not h1:
                h1 = noise.clean_unit(_text(child))
            else:
                add(_text(child), link_share(child, "ref"))
            loose.append(child.tail or "")
        flush()

    walk(main)
    return units, shares, h1


_LETTER = re.compile(r"[^\W\d_]")


def _text(element) -> str:
    """An element's text as written: inline markup (links, emphasis) joins without added spaces, so
    scripts written without spaces stay whole; line breaks and nested blocks part words. Two links side by
    side with nothing between them ("<ref>social</ref><ref>media</ref>") are two words: trafilatura drops
    the space between them, and no word is made of two links."""
    parts = [element.text or ""]
    last_link = ""  # the text of the link just before, when nothing followed it
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        text = _text(child)
        separate = tag == "lb" or tag in _BLOCK_TAGS
        between_links = tag == "ref" and _words_meet(last_link, text)
        parts.extend((" " if separate or between_links else "", text, " " if separate else "", child.tail or ""))
        last_link = text if tag == "ref" and not child.tail else ""
    return "".join(parts)


def _words_meet(before: str, after: str) -> bool:
    """A letter ends ``before`` and one starts ``after``, in a script written with spaces."""
    end, start = before[-1:], after[:1]
    if not end or not start:
        return False
    return all(_LETTER.match(ch) and not signals.UNSPACED_SCRIPT.match(ch) for ch in (end, start))


# A unit that is (nearly) all link text and no longer than a teaser is a link to another page.
LINK_SHARE = 0.8
_LINK_MAX_WORDS = 30


_STATEMENT_END = re.compile(r"\w[.)][\"'\u201d\u2019]*$")


LINK_TO_ANOTHER_PAGE = "link to another page"


def _is_link(unit: str, share: float, language: str) -> bool:
    """A unit (nearly) all link text, no longer than a teaser, that is not a sentence of the story."""
    return share >= LINK_SHARE and len(unit.split()) <= _LINK_MAX_WORDS and not _linked_statement(unit, language)


def _linked_statement(unit: str, language: str) -> bool:
    """A sentence of the story that happens to be all link text: prose of seven words or more ending in a
    full stop. Teasers are titles, questions or exclamations ("Jetzt bestellen!", "What is the Fed?")."""
    return (
        bool(_STATEMENT_END.search(unit))
        and len(words(unit)) >= signals.PROSE_MIN_WORDS
        and signals.is_prose(unit, language)
    )


_DATA_CELL_WORDS = 12


def _is_data_table(table) -> bool:
    """Rows of short cells (figures, names); a table whose cells hold paragraphs is page layout."""
    rows = [[cell for cell in row if cell.tag == "cell"] for row in table.iter("row")]
    cells = [cell for row in rows for cell in row]
    if len(rows) < 2 or max((len(row) for row in rows), default=0) < 2:
        return False
    if any(element.tag in ("p", "list", "head", "table", "quote") for cell in cells for element in cell.iter()):
        return False
    sizes = [len(" ".join(cell.itertext()).split()) for cell in cells]
    return sum(sizes) / max(1, len(sizes)) <= _DATA_CELL_WORDS


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def _visible_headline(html: str, title: str) -> str:
    """The page's own <h1> when it is this story's headline (metadata titles are often rewritten for sharing)."""
    from lxml import html as lxml_html

    try:
        document = lxml_html.fromstring(html)
    except Exception:  # lxml refuses some documents outright; the metadata title will do
        return ""
    title_words = _words(title)
    for element in document.iter("h1"):
        text = noise.clean_unit(element.text_content())
        words = _words(text)
        if len(words) < 3 or len(text) > 250:
            continue
        if not title_words or len(words & title_words) / len(words | title_words) >= 0.4:
            return text
    return ""


# A date a page puts in front of its h1 ("<span class=date>27.01.2022</span>Mineral oil sales"): not the headline's.
_DATE_BEFORE_H1 = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?=[^\W\d_]|\s+[^\W\d_])\s*")


def _headline(html: str, h1: str, title: str) -> str:
    """The h1 in the article; but a shorter h1 that shares no word with the page's title is a section or
    site name ("Pressemitteilungen", "While you are here..."): then the page's own h1 that matches the
    title, or the title."""
    if h1 and (not title or _words(h1) & _words(title) or len(_words(h1)) >= len(_words(title))):
        return h1  # a title no longer than the h1 is the site's name ("Harbor Gazette"), not a headline
    return _visible_headline(html, title) or title or h1


def _with_story_chunks(
    layout: PageLayout, units: list[str], positions: list[int | None], language: str
) -> tuple[list[str], list[int | None], list[Dropped]]:
    """The units, with the chunks of a split story that trafilatura passed over put back in page order (their
    links to other pages dropped, as among the units)."""
    chunks = story_chunks(layout, units, positions, lambda text: signals.is_prose(text, language))
    known = {noise.fingerprint(unit) for unit in units}
    placed = []  # (where, order, unit, position): units the page has not got stay after the unit before them
    where = 0
    for order, (unit, found) in enumerate(zip(units, positions, strict=True)):
        where = found if found is not None else where
        placed.append((where, order, unit, found))
    links: list[Dropped] = []
    for start, texts in chunks:
        for order, (text, share) in enumerate((noise.clean_unit(text), share) for text, share in texts):
            if not text or noise.fingerprint(text) in known:
                continue
            if _is_link(text, share, language):
                links.append(Dropped(text, LINK_TO_ANOTHER_PAGE))
            else:
                placed.append((start, len(units) + order, text, layout.find(text, start)))
    placed.sort(key=lambda entry: entry[:2])
    return [entry[2] for entry in placed], [entry[3] for entry in placed], links


# A class or id word that covers this share of the story's prose names the page's layout, not a furniture block.
_LAYOUT_SHARE = 0.3


def _in_furniture_blocks(
    layout: PageLayout, units: list[str], positions: list[int | None], language: str
) -> tuple[list[str], list[Dropped]]:
    """Drop the units that sit in a block the page itself names as furniture (``<div class="related-posts">``,
    ``<p class="disclaimer">``; labels.FURNITURE_BLOCK_NAMES), prose or not: the page's own markup is the
    structural evidence. A name that also covers much of the story (``<body class="has-social-bar">``) is the
    page's layout and proves nothing."""
    names = [labels.FURNITURE_BLOCK_NAMES & layout.names(found) if found is not None else set() for found in positions]
    prose_words = [len(unit.split()) if signals.is_prose(unit, language) else 0 for unit in units]
    covered: dict[str, int] = {}
    for held, count in zip(names, prose_words, strict=True):
        for name in held:
            covered[name] = covered.get(name, 0) + count
    story_layout = {name for name, count in covered.items() if count >= _LAYOUT_SHARE * max(1, sum(prose_words))}
    kept: list[str] = []
    dropped: list[Dropped] = []
    for unit, held in zip(units, names, strict=True):
        evidence = sorted(held - story_layout)
        if evidence:
            dropped.append(Dropped(unit, f"in a block named {evidence[0]}"))
        else:
            kept.append(unit)
    return kept, dropped


_DATE_LINE_WORDS = 6


def _outside_the_article(layout: PageLayout, taken: list[str], used: tuple[str, ...], date: str) -> list[Dropped]:
    """The page's blocks that none of the units ``taken`` (kept or dropped) came from, but for the headline,
    the byline and the date line, which the article uses."""
    day = find_date(date)
    return [
        Dropped(text, OUTSIDE_THE_ARTICLE)
        for text in layout.blocks_left_out(taken, (*used, date))
        if not (day and len(text.split()) <= _DATE_LINE_WORDS and find_date(text) == day)
    ]


def parse_html(html: str, source: str = "", url: str | None = None) -> Article:
    """Read a saved or fetched HTML news page."""
    tree = _extract_tree(html, url)
    where = source or url or "the page"
    if tree is None:
        raise ArticleError(f"no article text found in {where}: it looks like a home, index or navigation page")
    main = tree.find("main")
    units, shares, h1 = _units(main if main is not None else tree)
    h1 = _DATE_BEFORE_H1.sub("", h1)
    extracted = list(units)  # all of it is spoken or listed as dropped
    language = detect_language(" ".join(units))
    linked = [_is_link(unit, share, language) for unit, share in zip(units, shares, strict=True)]
    links = [Dropped(unit, LINK_TO_ANOTHER_PAGE) for unit, link in zip(units, linked, strict=True) if link]
    units = [unit for unit, link in zip(units, linked, strict=True) if not link]
    layout = PageLayout(html)
    units, positions, chunk_links = _with_story_chunks(layout, units, layout.locate(units), language)
    links += chunk_links
    units, in_blocks = _in_furniture_blocks(layout, units, positions, language)
    headline = _headline(html, h1, noise.clean_unit(tree.get("title") or ""))
    if h1 and h1 != headline:
        units = [h1, *units]  # an h1 that is not the headline is still the page's text (the edge rules judge it)
    author = noise.clean_unit(tree.get("author") or "")
    byline = ""
    if author:
        byline = author if is_byline(author) else f"By {author.replace(';', ',')}"
    date = tree.get("date") or ""
    taken = [*extracted, *(link.text for link in chunk_links), *units]
    left_out = _outside_the_article(layout, taken, (headline, author, byline), date)
    body = read_body(units, headline, language, extracted=True)
    if not body.blocks:
        raise ArticleError(f"no article text found in {where}: it has no paragraphs once page furniture is removed")
    return Article(
        headline=headline,
        **byline_fields(byline),
        date=date,
        iso_date=find_date(date),
        dateline=body.place,
        blocks=tuple(body.blocks),
        credits=tuple(body.credits),
        source=url or source,
        dropped=(*links, *in_blocks, *body.dropped, *left_out),
        language=declared_language(html),
    )
