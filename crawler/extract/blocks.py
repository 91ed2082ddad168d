"""The page's densest block of running text, measured without any metadata.

Article detection needs a signal that holds on every layout: `<p>` paragraphs in a modern theme,
`<br><br>`-separated text in a legacy table cell or a Blogger post, `<div>` lines in an app
shell. Each stretch of text (a text node, or a paragraph-like element's text) is credited to the
container that holds it: a paragraph to its parent, loose text to the element it sits in. The
container with the most text is the candidate story; its links tell a story (a few inline links)
from a listing (a link for every teaser).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

# Elements that hold one paragraph: their text is credited to the element around them.
PARAGRAPHS = frozenset({"p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "dd", "pre"})
# Inline elements: text inside them belongs to the nearest non-inline ancestor.
INLINE = frozenset(
    {"a", "b", "strong", "i", "em", "u", "font", "span", "small", "big", "sup", "sub", "abbr",
     "mark", "q", "cite", "time", "label", "br", "img", "bdi", "bdo", "ins", "del", "s", "code"}
)  # fmt: skip
# Never story text: navigation, page furniture, forms.
SKIPPED = frozenset(
    {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button",
     "select", "option", "textarea", "template", "svg", "iframe", "head", "title", "h1"}
)  # fmt: skip
MIN_SEGMENT_CHARS = 25  # shorter stretches (dates, labels, "|") are not running text


@dataclass
class Block:
    """The densest text container of a page."""

    chars: int = 0  # running text credited to it, outside links
    segments: int = 0  # stretches of running text (paragraphs, `<br>`-separated runs)
    link_chars: int = 0  # text inside links among it
    links: int = 0  # links among it

    @property
    def link_share(self) -> float:
        total = self.chars + self.link_chars
        return self.link_chars / total if total else 1.0


def densest_block(root: etree._Element) -> Block:
    """Walk the body once and return the container holding the most running text."""
    bodies = root.xpath("//body") if isinstance(root, etree._Element) else []
    if not bodies:
        return Block()
    blocks: dict[etree._Element, Block] = {}

    def credit(element: etree._Element) -> Block:
        block = blocks.get(element)
        if block is None:
            block = blocks[element] = Block()
        return block

    def walk(element: etree._Element, container: etree._Element, in_link: bool) -> None:
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            tag = tag.lower()
            if tag in SKIPPED or not tag:
                _tail(child, container, in_link)
                continue
            if tag == "a":
                credit(container).links += 1
                walk_text(child, container, True)
                walk(child, container, True)
            elif tag in PARAGRAPHS:
                # The whole paragraph is one segment of the container around it.
                text, link = _paragraph_text(child)
                block = credit(container)
                if text >= MIN_SEGMENT_CHARS and not in_link:
                    block.segments += 1
                    block.chars += text
                block.link_chars += link + (text if in_link else 0)
                block.links += _link_count(child)
            elif tag in INLINE:
                walk_text(child, container, in_link)
                walk(child, container, in_link)
            else:
                walk_text(child, child, in_link)
                walk(child, child, in_link)
            _tail(child, container, in_link)

    def walk_text(element: etree._Element, container: etree._Element, in_link: bool) -> None:
        _add(element.text, container, in_link)

    def _tail(element: etree._Element, container: etree._Element, in_link: bool) -> None:
        _add(element.tail, container, in_link)

    def _add(text: str | None, container: etree._Element, in_link: bool) -> None:
        if not text:
            return
        size = len(text.strip())
        if not size:
            return
        block = credit(container)
        if in_link:
            block.link_chars += size
        elif size >= MIN_SEGMENT_CHARS:
            block.chars += size
            block.segments += 1

    body = bodies[0]
    walk_text(body, body, False)
    walk(body, body, False)
    if not blocks:
        return Block()
    return max(blocks.values(), key=lambda b: b.chars)


_TEXT = etree.XPath("string()")


def _paragraph_text(element: etree._Element) -> tuple[int, int]:
    """Characters of a paragraph outside and inside its links."""
    total = len(" ".join(_TEXT(element).split()))
    link = sum(len(" ".join(_TEXT(a).split())) for a in element.iter("a"))
    return max(total - link, 0), link


def _link_count(element: etree._Element) -> int:
    return sum(1 for _ in element.iter("a"))
