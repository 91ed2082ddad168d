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

# Elements that hold one paragraph: their text is credited to the element around them (a <div>
# of text and inline elements only counts as one too).
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
    """Walk the body once and return the container holding the most running text.

    One pass over the elements in document order (no recursion: pages nest thousands deep);
    each element's state is its container and whether it sits inside a link, or `None` for
    what is skipped or already counted (a paragraph's inside)."""
    bodies = root.xpath("//body") if isinstance(root, etree._Element) else []
    if not bodies:
        return Block()
    body = bodies[0]
    blocks: dict[etree._Element, Block] = {}
    state: dict[etree._Element, tuple[etree._Element, bool] | None] = {body: (body, False)}

    def block_of(container: etree._Element) -> Block:
        block = blocks.get(container)
        if block is None:
            block = blocks[container] = Block()
        return block

    def add(text: str | None, where: tuple[etree._Element, bool] | None) -> None:
        if not text or where is None:
            return
        size = len(text.strip())
        if not size:
            return
        block = block_of(where[0])
        if where[1]:
            block.link_chars += size
        elif size >= MIN_SEGMENT_CHARS:
            block.chars += size
            block.segments += 1

    add(body.text, state[body])
    for element in body.iterdescendants():
        around = state.get(element.getparent())
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if around is None or not tag or tag in SKIPPED:
            state[element] = None
        else:
            container, in_link = around
            if tag == "a":
                block_of(container).links += 1
                state[element] = (container, True)
            elif tag in PARAGRAPHS or (tag == "div" and _text_only(element)):
                # The whole paragraph is one segment of the container around it.
                text, link = _paragraph_text(element)
                block = block_of(container)
                if text >= MIN_SEGMENT_CHARS and not in_link:
                    block.segments += 1
                    block.chars += text
                block.link_chars += link + (text if in_link else 0)
                block.links += _link_count(element)
                state[element] = None
            elif tag in INLINE:
                state[element] = around
            else:
                state[element] = (element, in_link)
            add(element.text, state[element])
        add(element.tail, around)
    if not blocks:
        return Block()
    return max(blocks.values(), key=lambda b: b.chars)


_TEXT = etree.XPath("string()")


def _paragraph_text(element: etree._Element) -> tuple[int, int]:
    """Characters of a paragraph outside and inside its links."""
    total = len(" ".join(_TEXT(element).split()))
    link = sum(len(" ".join(_TEXT(a).split())) for a in element.iter("a"))
    return max(total - link, 0), link


def _text_only(element: etree._Element) -> bool:
    """A <div> holding text and inline elements only, no line breaks: a paragraph by another
    name (Blogger posts and app shells write their lines so)."""
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br" or (tag and tag not in INLINE):
            return False  # blocks inside, or <br>-separated runs: not one paragraph
    return bool((element.text or "").strip()) or len(element) > 0


def _link_count(element: etree._Element) -> int:
    return sum(1 for _ in element.iter("a"))
