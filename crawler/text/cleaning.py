"""One article's text fields made clean: the plain function behind the clean pipeline stage.

Body and every text field in the storage normal form; curated boilerplate removed anywhere and the
site's learned boilerplate from the ends of the body; the site name off the headline; bylines as
person names; an implausible modification date dropped. What could be the site's boilerplate is
returned too, for the stage to learn from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crawler.text.boilerplate import candidate_lines, strip_boilerplate
from crawler.text.bylines import clean_authors
from crawler.text.normalize import matching_form, storage_line, storage_paragraphs
from crawler.text.titles import clean_title, title_affixes

# A page saying it was modified a day before it was published has a wrong modification date.
MODIFIED_SLACK = timedelta(days=1)


@dataclass
class SiteKnowledge:
    """What the site's earlier articles taught: boilerplate line keys and headline affixes."""

    line_keys: set[str] = field(default_factory=set)
    title_affixes: set[str] = field(default_factory=set)  # in the matching form


@dataclass
class CleanedArticle:
    """The cleaned fields, what was removed, and the candidates for site-level learning."""

    title: str | None
    description: str | None
    body: str
    authors: list[str]
    tags: list[str]
    section: str | None
    modified_at: datetime | None
    curated_lines: list[str] = field(default_factory=list)
    learned_lines: list[str] = field(default_factory=list)
    title_changed: bool = False
    authors_dropped: int = 0
    modified_dropped: bool = False
    line_candidates: list[str] = field(default_factory=list)
    title_candidates: list[tuple[str, str]] = field(default_factory=list)  # (kind, affix)

    @property
    def word_count(self) -> int:
        """Words in the cleaned body."""
        return len(self.body.split())


def _unique_lines(values: list[str] | None) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for value in values or []:
        if not isinstance(value, str):
            continue
        text = storage_line(value)
        key = matching_form(text)
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return out


def clean_article(
    *,
    title: str | None,
    body: str | None,
    description: str | None = None,
    authors: list[str] | None = None,
    tags: list[str] | None = None,
    section: str | None = None,
    published_at: datetime | None = None,
    modified_at: datetime | None = None,
    names: set[str] = frozenset(),
    knowledge: SiteKnowledge | None = None,
) -> CleanedArticle:
    """Clean one article's fields (see the module docstring).

    `names` are the compact forms of the site's names (`titles.site_names`); `knowledge` is what
    was learned about the site so far.
    """
    knowledge = knowledge or SiteKnowledge()
    clean = clean_title(title, names, knowledge.title_affixes)
    paragraphs = storage_paragraphs(body or "")
    stripped = strip_boilerplate(paragraphs, knowledge.line_keys)
    if (
        clean
        and stripped.paragraphs
        and matching_form(stripped.paragraphs[0]) == matching_form(clean)
    ):
        stripped.paragraphs = stripped.paragraphs[1:]  # the headline repeated as a first line
    raw_authors = [a for a in authors or [] if isinstance(a, str)]
    cleaned_authors = clean_authors(raw_authors, names)
    modified_dropped = bool(
        published_at and modified_at and modified_at < published_at - MODIFIED_SLACK
    )
    affixes = title_affixes(clean) if clean else None
    title_candidates = []
    if affixes and affixes.suffix:
        title_candidates.append(("title_suffix", affixes.suffix))
    if affixes and affixes.prefix:
        title_candidates.append(("title_prefix", affixes.prefix))
    return CleanedArticle(
        title=clean,
        description=storage_line(description) or None if description else None,
        body="\n\n".join(stripped.paragraphs),
        authors=cleaned_authors,
        tags=_unique_lines(tags),
        section=storage_line(section) or None if section else None,
        modified_at=None if modified_dropped else modified_at,
        curated_lines=stripped.curated,
        learned_lines=stripped.learned,
        title_changed=clean != (storage_line(title) if title else None),
        authors_dropped=max(0, len(raw_authors) - len(cleaned_authors)),
        modified_dropped=modified_dropped,
        line_candidates=candidate_lines(stripped.paragraphs),
        title_candidates=title_candidates,
    )
