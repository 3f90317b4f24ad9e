"""Where each unit of an HTML page sat in its markup: the names of the blocks around it, and the story's chunks.

trafilatura hands back the article's text without the page's class and id names, yet those names are the
plainest structural evidence a page gives: a paragraph inside ``<div class="related-posts">`` or
``<p class="disclaimer">`` is not the story, however well it reads. And a page that splits its story into
chunks between ads (``<div class="body">`` after ``<div class="body">``) may lose every chunk but one to the
extractor. Each unit is found again in the page by its words, in document order.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from typing import Any

_WORD = re.compile(r"\w+")
_NAME_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_NAME_SEPARATOR = re.compile(r"[\s_\-:./]+")
_SKIP = {"head", "script", "style", "noscript", "template", "svg", "title"}
_PROBE_WORDS = 6  # a unit is found by its first few words ...
_MATCH_WORDS = 40  # ... and told apart from other places they occur by how much more of it follows
_MAX_WORDS = 300_000  # a page beyond this (a dump, not an article) gives no layout evidence: not worth the memory
_TEXT_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}
_CHUNK_LEVELS = 3  # how far above the paragraphs' own container the repeated chunk may be
# Elements that make a block of text of their own on the page (what --dropped lists as one unit).
_LAYOUT_BLOCKS = _TEXT_BLOCKS | {
    "body", "main", "article", "section", "header", "footer", "nav", "aside", "div", "ul", "ol", "dl", "dt", "dd",
    "table", "tr", "td", "th", "figure", "figcaption", "form", "label", "button", "select", "option", "h1", "address",
}  # fmt: skip


def name_words(value: str) -> set[str]:
    """A class or id attribute's words: "c-letters-cta__text readingTime" -> {"c", "letters", "cta", "text",
    "reading", "time", "readingtime"}."""
    found: set[str] = set()
    for name in _NAME_SEPARATOR.split(value):
        parts = [part.lower() for part in _NAME_PART.findall(name)]
        found.update(parts)
        if len(parts) > 1:
            found.add("".join(parts))
    return found


def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


def _text_nodes(root) -> Iterator[tuple[str, Any]]:
    """Every text node in document order with the element it belongs to (a tail belongs to the parent),
    leaving out what is never read (scripts, styles) and comments."""
    from lxml import etree

    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event == "start":
            if _tag(element) in _SKIP:
                walker.skip_subtree()
            elif element.text:
                yield element.text, element
        elif element.tail and element is not root:  # the end of an element, or a comment: its tail follows
            yield element.tail, element.getparent()


class PageLayout:
    """The page's words in document order, each with the element holding it."""

    def __init__(self, html: str) -> None:
        self.words: list[str] = []
        self.owners: list[Any] = []
        self._names: dict[int, frozenset[str]] = {}
        self._places: dict[str, list[int]] = {}
        self._node_starts: list[int] = []  # the first word of each text node, and the node's text as written
        self._node_texts: list[str] = []
        try:
            from lxml import etree

            # lxml's plain HTML tree: lxml.html's element classes cost a lookup on every element touched
            document = etree.fromstring(html, etree.HTMLParser())
        except Exception:  # lxml refuses some documents outright: no layout evidence then
            return
        if document is None:
            return
        body = document.find("body")
        for text, owner in _text_nodes(body if body is not None else document):
            self._node_starts.append(len(self.words))
            self._node_texts.append(text)
            for word in _WORD.findall(text.casefold()):
                self._places.setdefault(word, []).append(len(self.words))
                self.words.append(word)
                self.owners.append(owner)
            if len(self.words) > _MAX_WORDS:
                self.words, self.owners, self._places = [], [], {}
                return

    def find(self, unit: str, after: int = 0) -> int | None:
        """Where the unit starts: of the places its first words occur, the one that matches most of it, the
        first such at or after ``after`` (a title's words may occur first in a breadcrumb)."""
        unit_words = _WORD.findall(unit.casefold())[:_MATCH_WORDS]
        probe = unit_words[:_PROBE_WORDS]
        if not probe or not self.words:
            return None
        rarest = min(range(len(probe)), key=lambda offset: len(self._places.get(probe[offset], ())))
        starts = [place - rarest for place in self._places.get(probe[rarest], ()) if place >= rarest]
        starts = [start for start in starts if self.words[start : start + len(probe)] == probe]
        if not starts:
            return None
        later = starts[bisect.bisect_left(starts, after) :] or starts
        return max(later, key=lambda start: (self._matched(start, unit_words), -start))

    def _matched(self, start: int, unit_words: list[str]) -> int:
        count = 0
        for word, page_word in zip(unit_words, self.words[start : start + len(unit_words)], strict=False):
            if word != page_word:
                break
            count += 1
        return count

    def locate(self, units: list[str]) -> list[int | None]:
        """Where each unit starts in the page's words, searching on from the unit before (None: not found)."""
        positions: list[int | None] = []
        position = 0
        for unit in units:
            found = self.find(unit, position)
            positions.append(found)
            if found is not None:
                position = found
        return positions

    def names(self, index: int) -> frozenset[str]:
        """The words of the tags, classes and ids of the element holding word ``index`` and of its ancestors."""
        owner = self.owners[index]
        key = id(owner)
        if key not in self._names:
            found: set[str] = set()
            element = owner
            while element is not None:
                found.add(_tag(element))
                for attribute in ("class", "id"):
                    found |= name_words(element.get(attribute) or "")
                element = element.getparent()
            self._names[key] = frozenset(found)
        return self._names[key]

    def blocks_left_out(self, units: list[str], also_used: tuple[str, ...] = ()) -> list[str]:
        """The page's text blocks (a paragraph, a menu entry, a cell) that none of the units took a word of, in
        page order: what the extractor left out of the article, so that --dropped can account for all of it.
        A block that is one of ``also_used`` (the headline, the byline, the date) is not left out."""
        taken = bytearray(len(self.words))
        for unit, found in zip(units, self.locate(units), strict=True):
            if found is not None:
                end = min(found + len(_WORD.findall(unit)), len(taken))
                taken[found:end] = b"\x01" * (end - found)
        used = {tuple(_WORD.findall(text.casefold())) for text in also_used}
        blocks: list[str] = []
        for start, end in self._block_spans():
            if not any(taken[start:end]) and tuple(self.words[start:end]) not in used:
                blocks.append(self._text_between(start, end))
        return [block for block in blocks if block]

    def _block_spans(self) -> Iterator[tuple[int, int]]:
        """(first word, end) of each run of words held by the same block, found once per text node (its words
        share one owner), not once per word."""
        starts = [start for start in self._node_starts if start < len(self.words)]
        blocks: dict[int, Any] = {}
        run_start, run_block = 0, None
        for start in starts:
            owner = self.owners[start]
            if id(owner) not in blocks:
                blocks[id(owner)] = self._block(owner)
            if start and blocks[id(owner)] is not run_block:
                yield run_start, start
                run_start = start
            run_block = blocks[id(owner)]
        if self.words:
            yield run_start, len(self.words)

    @staticmethod
    def _block(element):
        """The nearest ancestor (or the element) that makes a block of its own on the page."""
        while element is not None and _tag(element) not in _LAYOUT_BLOCKS:
            element = element.getparent()
        return element

    def _text_between(self, start: int, end: int) -> str:
        """The page's text (as written) of the text nodes that start between words ``start`` and ``end``."""
        first = bisect.bisect_left(self._node_starts, start)
        last = bisect.bisect_left(self._node_starts, end)
        return " ".join(" ".join(self._node_texts[first:last]).split())


def _text_blocks(element) -> Iterator[Any]:
    """The innermost text blocks (paragraphs, subheadings, list items) under an element, in document order."""
    for child in element:
        if not _tag(child) or _tag(child) in _SKIP:
            continue
        if _tag(child) in _TEXT_BLOCKS and not any(_tag(inner) in _TEXT_BLOCKS for inner in child.iterdescendants()):
            yield child
        else:
            yield from _text_blocks(child)


def link_share(element, link_tag: str = "a") -> float:
    """How much of an element's text is link text (jusText's link density); trafilatura's tree calls links
    ``ref``."""
    total = len("".join(element.itertext()).strip())
    linked = sum(len("".join(link.itertext()).strip()) for link in element.iter(link_tag))
    return linked / total if total else 0.0


def _block_text(block) -> tuple[str, float]:
    """A block's text (a list item with its bullet) and how much of it is link text."""
    text = " ".join("".join(block.itertext()).split())
    return ("\u2022 " + text if text and _tag(block) == "li" else text), link_share(block)


def story_chunks(
    layout: PageLayout, units: list[str], positions: list[int | None], is_prose: Callable[[str], bool]
) -> list[tuple[int, list[tuple[str, float]]]]:
    """The story's text in blocks the extractor passed over: siblings of the story's own block with the same tag
    and class (a page splits a story into chunks between ads, and an extractor may keep only one of them).

    The story's block is the container of most of the units' prose, or an ancestor a few levels up whose
    siblings repeat it. Returns (word position, [(text, link share)]) for each sibling that holds prose and none
    of the units.
    """
    held: dict[int, tuple[Any, int]] = {}
    for unit, found in zip(units, positions, strict=True):
        if found is None or not is_prose(unit):
            continue
        block = layout.owners[found]
        while block is not None and _tag(block) not in _TEXT_BLOCKS:
            block = block.getparent()
        container = block.getparent() if block is not None else None
        if container is not None:
            words = held.get(id(container), (container, 0))[1] + len(unit.split())
            held[id(container)] = (container, words)
    if not held:
        return []
    story = max(held.values(), key=lambda pair: pair[1])[0]
    taken = {id(layout.owners[found]) for found in positions if found is not None}
    for _ in range(_CHUNK_LEVELS):
        parent = story.getparent()
        if parent is None or _tag(story) in ("body", "html"):
            break
        chunks = [
            chunk
            for sibling in parent
            if sibling is not story and story.get("class") and _same_kind(sibling, story)
            if (chunk := _chunk(layout, sibling, taken, is_prose))
        ]
        if chunks:
            return chunks
        story = parent
    return []


def _same_kind(element, other) -> bool:
    return element.tag == other.tag and element.get("class") == other.get("class")


def _chunk(layout: PageLayout, sibling, taken: set[int], is_prose: Callable[[str], bool]):
    if any(id(element) in taken for element in sibling.iter()):
        return None  # the extractor took (some of) it already
    texts = [(text, share) for text, share in map(_block_text, _text_blocks(sibling)) if text]
    if not any(is_prose(text) for text, _ in texts):
        return None
    start = layout.find(texts[0][0])
    return (start if start is not None else len(layout.words), texts)
