"""Headlines without the site's name: " - الجزيرة نت", "| سكاي نيوز عربية", "Hespress - ".

Pages put the site name before or after the headline in `<title>` and often in `og:title`. The
affix is recognised when it is the site's own name (from `og:site_name`, the registry or the
domain), or when the same affix ends (or starts) many headlines of the site (learned per site).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.text.normalize import compact_form, matching_form, storage_line

# A separator between a headline and the site name: spaced dashes, bars, bullets, double colons,
# guillemets. A plain colon is not one: Arabic headlines quote speakers with it ("الوزير: ...").
SEPARATOR = re.compile(r"\s+(?:[-|–—•·«»~/]|::|\|\|)\s+")
# An affix longer than this is part of the headline, not a site name.
MAX_AFFIX_WORDS = 6


@dataclass
class Affixes:
    """The leading and trailing segments of a headline, split at its outermost separators."""

    prefix: str | None
    suffix: str | None


def title_affixes(title: str) -> Affixes:
    """The candidate site-name segments of a headline (the outermost ones, when short)."""
    parts = SEPARATOR.split(title)
    if len(parts) < 2:
        return Affixes(None, None)
    prefix = parts[0].strip()
    suffix = parts[-1].strip()
    short = lambda s: 0 < len(s.split()) <= MAX_AFFIX_WORDS  # noqa: E731
    return Affixes(prefix if short(prefix) else None, suffix if short(suffix) else None)


def _is_site_name(segment: str, names: set[str]) -> bool:
    compact = compact_form(segment)
    if not compact:
        return False
    for name in names:
        # "الجزيرة نت" against og:site_name "الجزيرة.نت"; "Al Jazeera" against the domain aljazeera.
        if compact == name or (
            min(len(name), len(compact)) >= 4 and (name in compact or compact in name)
        ):
            return True
    return False


def site_names(*values: str | None) -> set[str]:
    """The compact forms of a site's names (display names, registry name, domain labels)."""
    names = set()
    for value in values:
        if not value:
            continue
        names.add(compact_form(value))
        host = value.lower().removeprefix("www.")
        if "." in host and " " not in host and host.isascii():
            names.add(compact_form(host.split(".")[0]))  # aljazeera.net -> aljazeera
        names.add(compact_form(value.replace("_", " ")))
    names.discard("")
    return names


def clean_title(
    title: str | None, names: set[str] = frozenset(), learned: Iterable[str] = ()
) -> str | None:
    """The headline in the storage form, without a leading or trailing site name.

    `names` are compact site names (see `site_names`); `learned` are the matching forms of affixes
    seen on many headlines of the site. A title that is nothing but the site name is kept as is.
    """
    if title is None:
        return None
    title = storage_line(title)
    learned_forms = set(learned)
    for _ in range(2):  # "Headline - Section - Site": the site, then a learned section affix
        affixes = title_affixes(title)
        if affixes.suffix and (
            _is_site_name(affixes.suffix, names) or matching_form(affixes.suffix) in learned_forms
        ):
            title = _cut(title, keep_start=True)
            continue
        if affixes.prefix and (
            _is_site_name(affixes.prefix, names) or matching_form(affixes.prefix) in learned_forms
        ):
            title = _cut(title, keep_start=False)
            continue
        break
    return _without_loose_site_name(title, names)


# Where a known site name meets the headline without the spaced separator: "البيان: ...",
# "... -البيان". Only the site's own name, exactly, is cut so: a colon after anything else is a
# quote ("الوزير: ..."), and "بيان: ..." is not the site البيان.
LOOSE_SEPARATOR = re.compile(r"\s*(?:::|\|\||[-|–—•·«»~/:])\s*")


def _without_loose_site_name(title: str, names: set[str]) -> str:
    if not names:
        return title
    found = list(LOOSE_SEPARATOR.finditer(title))
    if not found:
        return title
    short = lambda s: 0 < len(s.split()) <= MAX_AFFIX_WORDS  # noqa: E731
    first, last = found[0], found[-1]
    prefix, rest = title[: first.start()], title[first.end() :]
    if short(prefix) and rest.strip() and compact_form(prefix) in names:
        return rest.strip()
    head, suffix = title[: last.start()], title[last.end() :]
    if short(suffix) and head.strip() and compact_form(suffix) in names:
        return head.strip()
    return title


def _cut(title: str, keep_start: bool) -> str:
    """The title cut at its last (or first) separator, inner separators kept as written."""
    separators = list(SEPARATOR.finditer(title))
    if keep_start:
        return title[: separators[-1].start()].strip()
    return title[separators[0].end() :].strip()
