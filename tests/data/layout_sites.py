"""Two whole sites in the families extraction used to miss, served by the end-to-end tests
(tests/test_layout_crawl.py) with a registry that gives only a name and a base URL:

- a legacy ASP news site: table layout, windows-1256 declared only in a `<meta>`, `news.asp?id=`
  article URLs, a `section.asp?id=` listing, "print" and "send to a friend" links on every story,
  no feed, no sitemap, no metadata;
- an app-shell site: every page a skeleton with a loading label, filled by a script from a JSON
  API, found through a plain sitemap (no news sitemap), `render_js` in the registry.

Article pages reuse the golden corpus's family templates (tests/golden/build.py), so their
expected fields are the golden JSON's.
"""

from __future__ import annotations

import json
from html import escape

from crawler.devtools.sampleserver import Reply
from tests.golden.build import Page, app_shell, legacy_asp

LEGACY_STORIES = range(8, 14)  # story numbers: distinct from the golden corpus's legacy pages
SHELL_STORIES = range(60, 64)


def legacy_pages() -> tuple[dict[str, Reply], dict[str, Page]]:
    """Routes of the legacy site, and its articles by path."""
    articles = {}
    for number in LEGACY_STORIES:
        page = legacy_asp(number)
        path = "/" + page.url.split("/", 3)[3]  # news.asp?id=...
        articles[path] = page
    charset = "windows-1256"
    rows = "".join(
        f'<tr><td><a href="{path.lstrip("/")}"><b>{escape(page.story.title)}</b></a>'
        f'<br><font size="1">{page.story.published:%d/%m/%Y}</font></td></tr>'
        for path, page in articles.items()
    )
    menu = (
        '<a href="default.asp">الرئيسية</a> | <a href="section.asp?id=1">محليات</a> | '
        '<a href="archive.asp">الأرشيف</a>'
    )
    home = f"""<html dir="rtl"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>الرأي نيوز :: الصفحة الرئيسية</title></head>
<body><table width="770" align="center"><tr><td class="menu">{menu}</td></tr>
<tr><td><table width="100%">{rows}</table></td></tr></table></body></html>"""
    section = home.replace("الصفحة الرئيسية", "محليات")
    routes = {
        "/": Reply(body=home.encode(charset)),
        "/default.asp": Reply(body=home.encode(charset)),
        "/section.asp?id=1": Reply(body=section.encode(charset)),
        "/archive.asp": Reply(body=section.encode(charset)),
        "/robots.txt": Reply(status=404, body=b"", content_type="text/plain"),
    }
    for path, page in articles.items():
        routes[path] = Reply(body=page.html.encode(charset))
        news_id = path.rsplit("=", 1)[1]
        # The print and send-to-friend forms: served, never to be fetched or stored.
        routes[f"/print.asp?id={news_id}"] = Reply(body=page.html.encode(charset))
        form = f"<html><body><form>أرسل لصديق: {escape(page.story.title)}</form></body></html>"
        routes[f"/sendfriend.asp?id={news_id}"] = Reply(body=form.encode(charset))
    return routes, articles


APP_JS = """// The app: every page is this shell until the script fetches its content.
const root = document.getElementById("app");
const id = location.pathname.split("/").pop();
fetch(id ? `/api/article/${id}.json` : "/api/home.json").then((r) => r.json()).then((a) => {
  root.innerHTML = a.html;
  document.title = a.title;
});
"""


def _shell(title: str = "الآن") -> str:
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width"><script src="/static/app.js" defer></script>
</head><body><div id="app"><div class="spinner">جاري التحميل...</div></div>
<noscript>يرجى تفعيل جافاسكريبت لعرض الموقع</noscript></body></html>"""


def app_shell_pages(base_url: str) -> tuple[dict[str, Reply], dict[str, Page]]:
    """Routes of the app-shell site, and its articles by path. The API returns the inner HTML
    of the golden app-shell template (what the browser shows once the script ran)."""
    articles = {}
    routes: dict[str, Reply] = {
        "/": Reply(body=_shell().encode()),
        "/static/app.js": Reply(body=APP_JS.encode(), content_type="application/javascript"),
        "/robots.txt": Reply(
            body=f"User-agent: *\nAllow: /\nSitemap: {base_url}/sitemap.xml\n".encode(),
            content_type="text/plain",
        ),
    }
    entries = []
    for number in SHELL_STORIES:
        page = app_shell(number)
        path = "/" + page.url.split("/", 3)[3]  # article/<id>
        articles[path] = page
        inner = page.html.split('<div id="root">', 1)[1].rsplit("</body>", 1)[0]
        inner = inner.rsplit("</div>", 1)[0]  # the root's own closing tag
        api = json.dumps({"title": page.story.title, "html": inner}, ensure_ascii=False)
        routes[path] = Reply(body=_shell().encode())
        routes[f"/api/article/{path.rsplit('/', 1)[1]}.json"] = Reply(
            body=api.encode(), content_type="application/json"
        )
        entries.append(f"<url><loc>{base_url}{path}</loc></url>")
    links = "".join(
        f'<li><a href="{path}">{escape(page.story.title)}</a></li>'
        for path, page in articles.items()
    )
    home = {
        "title": "الآن",
        "html": f'<div class="Home"><h2>آخر الأخبار</h2><ul>{links}</ul></div>',
    }
    routes["/api/home.json"] = Reply(
        body=json.dumps(home, ensure_ascii=False).encode(), content_type="application/json"
    )
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + "".join(entries)
        + "</urlset>"
    )
    routes["/sitemap.xml"] = Reply(body=sitemap.encode(), content_type="application/xml")
    return routes, articles
