"""Serve a directory of sample news pages on 127.0.0.1, as the demo and the tests need.

It behaves like a small static news site: `/dir/` serves `dir/index.html` (or `index.xml`), a query
string selects `name@query.html` when such a file exists, `{{BASE}}` in a file becomes the server's
own base URL, HTML goes out without a charset header (so pages declare it in `<meta>`, as many Arabic
sites do), and every request path is logged so tests can tell what the crawler fetched.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

CONTENT_TYPES = {
    ".html": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".txt": "text/plain",
    ".json": "application/json",
    ".js": "text/javascript",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".gz": "application/x-gzip",
}


@dataclass
class Reply:
    """A canned response for a path the files do not cover (errors, binary bodies, redirects)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html"
    headers: dict[str, str] | None = None


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connections a crawler opens 16 at a time; each dropped SYN
    # costs a one-second retransmit, which made local crawls look six times slower than they are.
    request_queue_size = 128
    daemon_threads = True


class SampleSite:
    """One local site: a directory of files, served on a free loopback port in a thread."""

    def __init__(self, root: Path, routes: dict[str, Reply | Callable[[str], Reply]] | None = None):
        self.root = Path(root)
        self.routes = dict(routes or {})
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT` (no trailing slash), the value of `{{BASE}}` in files."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _resolve(self, path: str, query: str) -> Path | None:
        base = (self.root / unquote(path).lstrip("/")).resolve()
        if not base.is_relative_to(self.root.resolve()):
            return None
        names = [base / "index.html", base / "index.xml"] if base.is_dir() else [base]
        candidates: list[Path] = []
        if query:
            candidates += [n.with_name(f"{n.stem}@{query}{n.suffix}") for n in names]
            candidates.append(base.with_name(f"{base.name}@{query}.html"))
        candidates += names
        return next((c for c in candidates if c.is_file()), None)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                with site._lock:
                    site.requests.append(self.path)
                route = site.routes.get(self.path) or site.routes.get(parts.path)
                if route is not None:
                    reply = route(self.path) if callable(route) else route
                    self._send(reply.status, reply.body, reply.content_type, reply.headers)
                    return
                target = site._resolve(parts.path, parts.query)
                if target is None:
                    self._send(404, b"<html><body><h1>404</h1></body></html>", "text/html")
                    return
                body = target.read_bytes().replace(b"{{BASE}}", site.base_url.encode())
                content_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
                self._send(200, body, content_type)

            def _send(self, status, body, content_type, headers=None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                # The client may give up (a download size limit, a timeout): its business.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args) -> None:  # quiet: the request list is the log
                pass

        return Handler

    def paths(self) -> list[str]:
        """Every request path received so far, in order."""
        with self._lock:
            return list(self.requests)

    def start(self) -> SampleSite:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
