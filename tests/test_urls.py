"""canonical_url: the one form under which an article URL is requested, compared and stored."""

from __future__ import annotations

import pytest

from crawler.extract.urls import canonical_url, is_tracking_param, same_site, site_scope, url_key

AKHBAR = "https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"  # /أخبار


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Scheme, host, default ports, fragments.
        ("HTTPS://WWW.Example.COM:443/News/1", "https://www.example.com/News/1"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a?id=7#!/share", "https://example.com/a?id=7"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com", "https://example.com/"),
        # Tracking parameters.
        (
            "https://example.com/a?utm_source=rss&id=7&fbclid=x&gclid=y&ocid=z&utm_campaign=c",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/a?UTM_Medium=x", "https://example.com/a"),
        ("https://example.com/a?_ga=2.1&mc_cid=x&at_medium=rss", "https://example.com/a"),
        ("https://example.com/a?xtor=RSS-1&msclkid=z&igshid=q", "https://example.com/a"),
        # AMP and print switches; parameters that select content stay, sorted.
        ("https://example.com/a?amp", "https://example.com/a"),
        ("https://example.com/a?amp=1", "https://example.com/a"),
        ("https://example.com/a?outputType=amp", "https://example.com/a"),
        ("https://example.com/a?print=1", "https://example.com/a"),
        ("https://example.com/a?output=print&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?view=gallery", "https://example.com/a?view=gallery"),
        ("https://example.com/a?page=2&id=7", "https://example.com/a?id=7&page=2"),
        ("https://example.com/a?b=&a=1", "https://example.com/a?a=1&b="),
        # Paths: repeated slashes; trailing slashes are the site's own spelling (see url_key).
        ("https://example.com//news///1", "https://example.com/news/1"),
        ("https://example.com/news/1/", "https://example.com/news/1/"),
        # Arabic slugs: raw, lower- and upper-case percent-encoding meet in one form.
        ("https://example.com/أخبار", AKHBAR),
        ("https://example.com/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1", AKHBAR),
        ("https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1", AKHBAR),
        ("https://example.com/%d8%a3%D8%AE%d8%a8%D8%A7%d8%b1", AKHBAR),
        ("https://example.com/أخبار?utm_source=tw#top", AKHBAR),
        (
            "https://example.com/أخبار/سياسة/وزير-الخارجية-يصل",
            AKHBAR
            + "/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/%D9%88%D8%B2%D9%8A%D8%B1-%D8%A7%D9%84%D8%AE%D8%A7%D8%B1%D8%AC%D9%8A%D8%A9-%D9%8A%D8%B5%D9%84",
        ),
        (
            "https://example.com/search?q=الأسد",
            "https://example.com/search?q=%D8%A7%D9%84%D8%A3%D8%B3%D8%AF",
        ),
        ("https://example.com/search?q=%d8%a7", "https://example.com/search?q=%D8%A7"),
        # Unreserved characters are not encoded; spaces have one spelling.
        ("https://example.com/a%2Db%7Ec", "https://example.com/a-b~c"),
        ("https://example.com/s?q=a%20b", "https://example.com/s?q=a+b"),
        # Persian and Urdu letters, and Arabic-Indic digits in a slug.
        (
            "https://example.com/خبر-٢٠٢٦",
            "https://example.com/%D8%AE%D8%A8%D8%B1-%D9%A2%D9%A0%D9%A2%D9%A6",
        ),
    ],
)
def test_canonical_url(raw, expected):
    assert canonical_url(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/news/1/", "https://example.com/news/1"),
        ("https://example.com/news/1/?amp", "https://example.com/news/1"),
        ("https://EXAMPLE.com/news/1/#x", "https://example.com/news/1"),
    ],
)
def test_url_key_ignores_trailing_slashes(a, b):
    assert url_key(a) == url_key(b)
    assert url_key("https://example.com/") == "https://example.com/"


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
