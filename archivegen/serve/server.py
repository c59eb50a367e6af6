"""The preview's HTTP server: the built site under base_url's path, plus the reload channel.

* Files are served from the output folder only: the request path is decoded once, split into
  segments (``..``, empty and NUL segments refused) and the resolved file must still be inside
  the output folder, so ``/../``, ``%2e%2e`` and symlinks pointing out all end in 404.
* The site lives under the path of ``base_url`` (``/archive/``), as on the real host, so
  links and the search bundles resolve exactly as they will in production; ``/`` redirects.
* Every HTML page gets one ``<script type="module">`` tag before ``</body>``, loading
  ``reload.js`` from the same origin (the pages' CSP allows ``'self'`` scripts, nothing inline).
* While a build moves its files in, requests wait for it, so nobody is served a mix of two
  builds; the wait is bounded, after which the last complete version is served.

Reload channel: Server-Sent Events on ``__archivegen__/events``. SSE rather than WebSocket
because it is plain HTTP from the standard library, reconnects by itself after a server
restart, and is one-way, which is all a reload needs. Each open tab holds one connection, and
``reload.js`` closes it while the tab is hidden, so background tabs never use up the browser's
six connections per host and block navigation; long-polls (MkDocs) hang tabs that way.
"""

from __future__ import annotations

import json
import mimetypes
import queue
import threading
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RELOAD_DIR = "__archivegen__"
RELOAD_JS = Path(__file__).resolve().parent / "static" / "reload.js"
BUILD_WAIT_SECONDS = 10.0
KEEPALIVE_SECONDS = 15.0

mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("application/wasm", ".wasm")
mimetypes.add_type("application/json", ".json")
mimetypes.add_type("application/xml", ".xml")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("text/css", ".css")
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml")


@dataclass
class BuildNews:
    """What the browser is told after a build: which pages changed, or the error."""

    number: int
    changed: list[str] = field(default_factory=list)  # URL paths (with the base path)
    error: str = ""


class Broadcaster:
    """Hands build news to every connected tab; remembers which build last changed each page."""

    def __init__(self) -> None:
        self.session = uuid.uuid4().hex[:12]  # tabs from before a server restart reload
        self._lock = threading.Lock()
        self._listeners: set[queue.Queue[BuildNews | None]] = set()
        self.number = 0
        self.error = ""
        self._changed_in: dict[str, int] = {}

    def publish(self, changed: list[str], error: str = "") -> BuildNews:
        with self._lock:
            self.number += 1
            self.error = error
            for path in changed:
                self._changed_in[path] = self.number
            news = BuildNews(self.number, changed, error)
            for listener in self._listeners:
                listener.put(news)
        return news

    def changed_since(self, path: str, number: int) -> bool:
        with self._lock:
            return self._changed_in.get(path, 0) > number or self._changed_in.get("*", 0) > number

    def listen(self) -> queue.Queue[BuildNews | None]:
        listener: queue.Queue[BuildNews | None] = queue.Queue()
        with self._lock:
            self._listeners.add(listener)
        return listener

    def forget(self, listener: queue.Queue[BuildNews | None]) -> None:
        with self._lock:
            self._listeners.discard(listener)

    def close(self) -> None:
        with self._lock:
            for listener in self._listeners:
                listener.put(None)


class BuildGate:
    """Requests wait while a build moves files into the output (bounded), so no one sees half a build.

    The builder closes the gate only for the moment the output changes (the commit step) and
    opens it once the build's news is published, so a page served after the gate opens carries
    the new build number; while pages are parsed and rendered, requests get the last complete
    version without waiting.
    """

    def __init__(self) -> None:
        self._idle = threading.Event()
        self._idle.set()

    def close(self) -> None:
        self._idle.clear()

    def open(self) -> None:
        self._idle.set()

    @property
    def is_open(self) -> bool:
        return self._idle.is_set()

    def wait(self, timeout: float = BUILD_WAIT_SECONDS) -> bool:
        """Wait until the gate is open (at most ``timeout``); False if it stayed closed."""
        return self._idle.wait(timeout)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path, base_path: str, news: Broadcaster,
                 gate: BuildGate) -> None:
        super().__init__(address, PreviewHandler)
        self.root, self.news, self.gate = root.resolve(), news, gate
        self.base_path = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        self.stopping = threading.Event()

    def set_base_path(self, base_path: str) -> bool:
        """Serve under another path (base_url was edited); True if it changed."""
        new = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
        changed, self.base_path = new != self.base_path, new
        return changed

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]  # AF_INET(6): host is a str
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.base_path}"

    def shutdown(self) -> None:
        self.stopping.set()
        self.news.close()
        super().shutdown()


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal shows builds, not every request

    # -- routing ------------------------------------------------------------------------------

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._get(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._get(head=False)

    def _get(self, head: bool) -> None:
        parts = urllib.parse.urlsplit(self.path)
        base = self.server.base_path
        raw_path = parts.path
        if raw_path == base.rstrip("/") or (raw_path == "/" and base != "/"):
            self._redirect(base)
            return
        if not raw_path.startswith(base):
            self._not_found(head)
            return
        relative = raw_path[len(base):]
        if relative == f"{RELOAD_DIR}/reload.js":
            self._send(HTTPStatus.OK, RELOAD_JS.read_bytes(), "application/javascript", head)
        elif relative == f"{RELOAD_DIR}/events":
            self._events(urllib.parse.parse_qs(parts.query))
        else:
            self.server.gate.wait()
            self._file(relative, head, raw_path)

    # -- files --------------------------------------------------------------------------------

    def _file(self, relative: str, head: bool, url_path: str) -> None:
        path = self._resolve(relative)
        if path is None:
            self._not_found(head)
            return
        if path.is_dir():
            if not url_path.endswith("/"):
                query = urllib.parse.urlsplit(self.path).query
                self._redirect(url_path + "/" + (f"?{query}" if query else ""))
                return
            path = path / "index.html"
            if not path.is_file():
                self._not_found(head)
                return
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            data = path.read_bytes()
        except OSError:
            self._not_found(head)
            return
        if content_type == "text/html":
            data = self._with_reload(data)
        self._send(HTTPStatus.OK, data, content_type, head)

    def _resolve(self, relative: str) -> Path | None:
        """The file for a URL path below the base path, or None if it would leave the site."""
        try:
            decoded = urllib.parse.unquote(relative, errors="strict")
        except UnicodeDecodeError:  # %ff: no file of ours has such a name
            return None
        segments = decoded.split("/")
        if any(s in (".", "..") or "\x00" in s or "\\" in s for s in segments):
            return None
        root = self.server.root
        candidate = root.joinpath(*[s for s in segments if s])
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if resolved != root and not resolved.is_relative_to(root):
            return None  # a symlink out of the site
        return resolved

    def _with_reload(self, data: bytes, missing: bool = False) -> bytes:
        """``data`` with the reload script before ``</body>`` (the build number it was served at)."""
        news = self.server.news
        fields = {"build": news.number, "session": news.session, **({"missing": 1} if missing else {})}
        query = urllib.parse.urlencode(fields)
        tag = (f'<script type="module" src="{self.server.base_path}{RELOAD_DIR}/reload.js?{query}" '
               'data-archivegen-reload></script>').encode()
        index = data.rfind(b"</body>")
        return data[:index] + tag + data[index:] if index >= 0 else data + tag

    def _not_found(self, head: bool) -> None:
        page = self.server.root / "404.html"
        data = page.read_bytes() if page.is_file() else b"<!DOCTYPE html><title>Not found</title>Not found\n"
        self._send(HTTPStatus.NOT_FOUND, self._with_reload(data, missing=True), "text/html", head)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, data: bytes, content_type: str, head: bool) -> None:
        if content_type.startswith(_TEXT_TYPES) and "charset" not in content_type:
            content_type += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a preview is never stale
        self.end_headers()
        if not head:
            self.wfile.write(data)

    # -- reload channel -----------------------------------------------------------------------

    def _events(self, query: dict[str, list[str]]) -> None:
        news = self.server.news
        page = query.get("page", [""])[0]
        try:
            seen = int(query.get("build", ["0"])[0])
        except ValueError:
            seen = 0
        listener = news.listen()
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            stale = query.get("session", [""])[0] != news.session or news.changed_since(page, seen)
            self._event("hello", {"build": news.number, "error": news.error, "reload": stale})
            while not self.server.stopping.is_set():
                try:
                    item = listener.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                if item is None:
                    break
                self._event("build", {"build": item.number, "changed": item.changed, "error": item.error})
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the tab went away
        finally:
            news.forget(listener)

    def _event(self, name: str, payload: dict[str, Any]) -> None:
        self.wfile.write(f"retry: 1000\nevent: {name}\ndata: {json.dumps(payload)}\n\n".encode())
        self.wfile.flush()


def is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def output_url_paths(outputs: list[str], base_path: str) -> list[str]:
    """Output files -> the URL paths browsers request them by ('2020/x/index.html' -> '/b/2020/x/')."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    paths = []
    for output in outputs:
        if output.endswith("index.html"):
            output = output[: -len("index.html")]
        paths.append(base + urllib.parse.quote(output, safe="/-._~"))
    return paths

