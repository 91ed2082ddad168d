"""Recognising bot walls: challenge pages that answer 200 (or 403/503) instead of the site."""

from __future__ import annotations

# Markers of the common challenge pages (Cloudflare, Imperva/Incapsula, DDoS-Guard, DataDome,
# PerimeterX, Sucuri), matched in the first part of the page only.
CHALLENGE_MARKERS = (
    "cf-browser-verification",
    "challenge-platform",
    "cf_chl_",
    "<title>just a moment...</title>",
    "attention required! | cloudflare",
    "checking your browser before accessing",
    "_incapsula_resource",
    "ddos-guard",
    "captcha-delivery.com",
    "px-captcha",
    "sucuri website firewall",
)
BLOCKING_STATUSES = frozenset({401, 403, 429, 503})
HEAD_CHARS = 20_000


def looks_like_bot_wall(status: int, text: str) -> bool:
    """True when a response is a bot wall's challenge page rather than the page asked for."""
    head = text[:HEAD_CHARS].lower()
    if any(marker in head for marker in CHALLENGE_MARKERS):
        return True
    # A short 403/503 page that asks for JavaScript or cookies is a wall, not an error page.
    return status in BLOCKING_STATUSES and len(head) < 5000 and "javascript" in head
