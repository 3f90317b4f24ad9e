"""Where each unit of an HTML page sat in its markup: the names of the blocks around it.

trafilatura hands back the article's text without the page's class and id names, yet those names are the
plainest structural evidence a page gives: a paragraph inside ``<div class="related-posts">`` or
``<p class="author-bio">`` is not the story, however well it reads. Each unit is found again in the page
(by its words, in document order) and gets the words of its ancestors' tags, classes and ids.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

_WORD = re.compile(r"\w+")
_NAME_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SKIP = {"head", "script", "style", "noscript", "template", "svg", "title"}
_PROBE_WORDS = 6  # a unit is found by its first few words ...
_MATCH_WORDS = 40  # ... and told apart from other places they occur by how much more of it follows


def _name_words(value: str) -> set[str]:
    """ "c-letters-cta__text readingTime" -> {"c", "letters", "cta", "text", "reading", "time", "readingtime"}."""
    found: set[str] = set()
    for name in re.split(r"[\s_\-:./]+", value):
        if not name:
            continue
        parts = [part.lower() for part in _NAME_PART.findall(name)]
        found.update(parts)
        if len(parts) > 1:
            found.add("".join(parts))
    return found


def _text_nodes(element) -> Iterator[tuple[str, object]]:
    """Every text node in document order with the element it belongs to (a tail belongs to the parent)."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in _SKIP or not tag:
        return
    if element.text:
        yield element.text, element
    for child in element:
        yield from _text_nodes(child)
        if child.tail:
            yield child.tail, element


class PageLayout:
    """The page's words in document order, each with the element holding it."""

    def __init__(self, html: str) -> None:
        from lxml import html as lxml_html

        self.words: list[str] = []
        self.owners: list[object] = []
        self._names: dict[int, frozenset[str]] = {}
        self._at: dict[tuple[str, ...], list[int]] = {}
        try:
            document = lxml_html.fromstring(html)
        except Exception:  # lxml refuses some documents outright: no layout evidence then
            return
        body = document.find("body")
        for text, owner in _text_nodes(body if body is not None else document):
            for word in _WORD.findall(text.casefold()):
                self.words.append(word)
                self.owners.append(owner)
        for index in range(len(self.words) - _PROBE_WORDS + 1):
            self._at.setdefault(tuple(self.words[index : index + _PROBE_WORDS]), []).append(index)

    def find(self, unit: str, after: int = 0) -> int | None:
        """Where the unit starts: of the places its first words occur, the one that matches most of it,
        the first such at or after ``after`` (a title's words may first occur in a breadcrumb)."""
        unit_words = _WORD.findall(unit.casefold())
        probe = tuple(unit_words[:_PROBE_WORDS])
        if not probe:
            return None
        if len(probe) < _PROBE_WORDS:
            places = [i for i in range(len(self.words) - len(probe) + 1) if tuple(self.words[i : i + len(probe)]) == probe]
        else:
            places = self._at.get(probe, [])
        if len(places) <= 1:
            return places[0] if places else None
        later = places[bisect.bisect_left(places, after) :] or places
        return max(later, key=lambda place: (self._matched(place, unit_words), -place))

    def _matched(self, place: int, unit_words: list[str]) -> int:
        count = 0
        for word, page_word in zip(unit_words[:_MATCH_WORDS], self.words[place : place + _MATCH_WORDS]):
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

    def enclosing(self, index: int, tag: str):
        """The innermost ``tag`` element around word ``index`` (None if there is none)."""
        element = self.owners[index]
        while element is not None and str(element.tag).lower() != tag:
            element = element.getparent()
        return element

    def names(self, index: int) -> frozenset[str]:
        """The words of the tags, classes and ids of the element holding word ``index`` and its ancestors."""
        owner = self.owners[index]
        key = id(owner)
        if key not in self._names:
            found: set[str] = set()
            element = owner
            while element is not None:
                found.add(str(element.tag).lower())
                for attribute in ("class", "id"):
                    found |= _name_words(element.get(attribute) or "")
                element = element.getparent()
            self._names[key] = frozenset(found)
        return self._names[key]


def unit_names(html: str, units: list[str]) -> list[frozenset[str]]:
    """For each unit, the names of the blocks around it in the page (empty when it cannot be found)."""
    layout = PageLayout(html)
    names: list[frozenset[str]] = []
    position = 0
    for unit in units:
        index = layout.find(unit, position)
        if index is None:
            names.append(frozenset())
            continue
        position = index
        names.append(layout.names(index))
    return names


_CHUNK_LEVELS = 3
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"}
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


def _blocks(element) -> Iterator[object]:
    """The innermost text blocks under an element, in document order."""
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if not tag or tag in _SKIP:
            continue
        if tag in _BLOCKS and not any(
            isinstance(inner.tag, str) and inner.tag.lower() in _BLOCKS for inner in child.iterdescendants()
        ):
            yield child
        else:
            yield from _blocks(child)


def _block_unit(block) -> str:
    text = " ".join(block.text_content().split())
    tag = block.tag.lower()
    if tag == "li" and text:
        return "\u2022 " + text
    return text


def continuation(html_layout: PageLayout, units: list[str], is_prose) -> list[tuple[int, list[str]]]:
    """The story's text in blocks the extractor passed over: siblings of the story's own block with the same tag
    and class (pages split a story into "chunks" between ads, and an extractor may keep only one of them).

    Returns (word position, units) for each such chunk that holds prose and none of the units already found.
    ``is_prose`` judges a unit of text.
    """
    layout = html_layout
    if not layout.words:
        return []
    positions: list[int | None] = []
    position = 0
    for unit in units:
        found = layout.find(unit, position)
        positions.append(found)
        if found is not None:
            position = found
    containers: dict[int, tuple[object, int]] = {}
    for unit, found in zip(units, positions, strict=True):
        if found is None or not is_prose(unit):
            continue
        block = layout.owners[found]
        while block is not None and not (isinstance(block.tag, str) and block.tag.lower() in _BLOCKS):
            block = block.getparent()
        container = block.getparent() if block is not None else None
        if container is None:
            continue
        held = containers.get(id(container), (container, 0))[1]
        containers[id(container)] = (container, held + len(unit.split()))
    if not containers:
        return []
    story = max(containers.values(), key=lambda pair: pair[1])[0]
    owned = {id(layout.owners[found]) for found in positions if found is not None}
    chunks = []
    for _ in range(_CHUNK_LEVELS):  # the repeated chunk may wrap the paragraphs' own container
        parent, kind = story.getparent(), (story.tag, story.get("class"))
        if parent is None or str(story.tag).lower() in ("body", "html"):
            break
        if kind[1]:
            for sibling in parent:
                if sibling is story or (sibling.tag, sibling.get("class")) != kind:
                    continue
                if any(id(element) in owned for element in sibling.iter()):
                    continue  # the extractor already took (some of) it
                found_units = [text for text in (_block_unit(block) for block in _blocks(sibling)) if text]
                if not any(is_prose(text) for text in found_units):
                    continue
                start = layout.find(found_units[0])
                chunks.append((start if start is not None else len(layout.words), found_units))
        if chunks:
            break
        story = parent
    return chunks
