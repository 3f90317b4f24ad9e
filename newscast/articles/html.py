"""Saved HTML pages -> Article: trafilatura finds the article, then the same noise rules as text."""

from __future__ import annotations

import logging
import re
import warnings

from ..errors import ArticleError
from ..models import Article
from . import noise
from .dates import find_date
from .language import declared_language
from .text import is_byline, read_body

_STRUCTURE_TAGS = {"p", "head", "list", "quote", "item"}


def looks_like_html(text: str) -> bool:
    """Decide by content, not by extension: markup near the top of the file."""
    head = text[:4096].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")):
        return "<html" in text[:65536].lower() or "<body" in text[:65536].lower()
    return head.startswith("<") and any(tag in head for tag in ("<head", "<body", "<meta", "<div", "<p>", "<article"))


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
                include_tables=False,
                include_images=False,
                include_links=False,
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


def _units(main) -> tuple[list[str], str]:
    """The article's blocks in order as text units (list items marked as bullets) and its first h1."""
    units: list[str] = []
    h1 = ""
    for element in main.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in _STRUCTURE_TAGS or tag == "list":
            continue
        if tag in ("p", "quote") and any(
            isinstance(parent.tag, str) and parent.tag in ("item", "quote") for parent in element.iterancestors()
        ):
            continue  # its text is already in the enclosing item or quote
        text = noise.clean_unit(" ".join(element.itertext()))
        if not text:
            continue
        if tag == "head" and element.get("rend") == "h1" and not h1:
            h1 = text
            continue
        units.append(f"\u2022 {text}" if tag == "item" else text)
    return units, h1


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


def parse_html(html: str, source: str = "", url: str | None = None) -> Article:
    """Read a saved or fetched HTML news page."""
    tree = _extract_tree(html, url)
    where = source or url or "the page"
    if tree is None:
        raise ArticleError(f"no article text found in {where}: it looks like a home, index or navigation page")
    main = tree.find("main")
    units, h1 = _units(main if main is not None else tree)
    headline = noise.clean_unit(h1 or _visible_headline(html, tree.get("title") or "") or tree.get("title") or "")
    author = noise.clean_unit(tree.get("author") or "")
    byline = ""
    if author:
        byline = author if is_byline(author) else f"By {author.replace(';', ',')}"
    blocks, credits, place = read_body(units, headline)
    if not blocks:
        raise ArticleError(f"no article text found in {where}: it has no paragraphs once page furniture is removed")
    date = tree.get("date") or ""
    return Article(
        headline=headline,
        byline=byline,
        date=date,
        iso_date=find_date(date),
        dateline=place,
        blocks=tuple(blocks),
        credits=tuple(credits),
        source=url or source,
        language=declared_language(html),
    )
