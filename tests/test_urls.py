"""canonical_url: the one form under which an article URL is requested, compared and stored."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_url, is_tracking_param, same_site, site_scope


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Example.COM:443/News/1", "https://www.example.com/News/1"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=rss&id=7&fbclid=x&gclid=y&ocid=z&utm_campaign=c",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/a?UTM_Medium=x", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        # Arabic slugs: raw and percent-encoded spellings meet in one form.
        (
            "https://example.com/أخبار/سياسة",
            "https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9",
        ),
        (
            "https://example.com/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9",
            "https://example.com/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9",
        ),
        (
            "https://example.com/search?q=الأسد",
            "https://example.com/search?q=%D8%A7%D9%84%D8%A3%D8%B3%D8%AF",
        ),
    ],
)
def test_canonical_url(raw, expected):
    assert canonical_url(raw) == expected


def test_canonical_url_is_idempotent():
    for url in (
        "https://example.com/أخبار?page=2&utm_source=x",
        "http://EXAMPLE.com:80/a/b/?x=1#f",
    ):
        once = canonical_url(url)
        assert canonical_url(once) == once


def test_tracking_params():
    assert (
        is_tracking_param("utm_source") and is_tracking_param("fbclid") and is_tracking_param("_ga")
    )
    assert (
        not is_tracking_param("id") and not is_tracking_param("page") and not is_tracking_param("p")
    )


def test_site_scope_ignores_mobile_and_www_hosts_but_not_ports():
    assert site_scope("https://www.Example.com:443/a") == "example.com"
    assert site_scope("https://m.example.com/a") == site_scope("http://amp.example.com/b")
    assert site_scope("http://127.0.0.1:8001/") != site_scope("http://127.0.0.1:8002/")
    assert same_site("https://www.example.com/", "https://example.com/x")
    assert not same_site("https://example.com/", "https://example.com.evil.org/")


def test_malformed_urls_raise_value_error():
    with pytest.raises(ValueError):
        canonical_url("http://example.com:abc/")
    with pytest.raises(ValueError):
        site_scope("http://example.com:99999999/")
    assert not same_site("http://example.com:abc/", "http://example.com/")
