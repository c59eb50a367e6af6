"""What the browser tests share: the real CLI, a sub-path static server, Debian's Chromium."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

PREFIX = "/archive/"  # the path of base_url in the browser fixtures' site_config.yaml
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run"]


def archivegen_script() -> str:
    script = Path(sys.executable).with_name("archivegen")
    found = str(script) if script.exists() else shutil.which("archivegen")
    assert found, "the archivegen console script is not installed"
    return found


def build_copy(fixture: Path, tmp: Path) -> Path:
    """Build a copy of a fixture archive with the real CLI (state lands in tmp); return the site."""
    project = shutil.copytree(fixture, tmp / fixture.name)
    out = tmp / "site"
    result = subprocess.run(
        [archivegen_script(), "build", "--config", str(project / "site_config.yaml"), "--output", str(out)],
        capture_output=True, text=True, timeout=120, cwd=tmp)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return out


class ArchiveHandler(SimpleHTTPRequestHandler):
    """Serves the output directory at PREFIX, as a host would under base_url; 404 elsewhere."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".wasm": "application/wasm",
                      ".pagefind": "application/octet-stream"}

    def send_head(self):
        if not self.path.startswith(PREFIX):
            self.send_error(404, f"outside {PREFIX}")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path.removeprefix(PREFIX))

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve ``site_dir`` on 127.0.0.1 (a free port) under PREFIX; yield the base URL; stop."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(ArchiveHandler, directory=str(site_dir)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Watched:
    """A page with every dialog, console error, page error and off-site request recorded."""

    def __init__(self, page, origin: str) -> None:
        self.page, self.origin = page, origin
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.requested: list[str] = []  # paths of every request, in order
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", self._request)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.errors.append(f"console: {msg.text} ({msg.location.get('url')})")

    def _request(self, request) -> None:
        if not request.url.startswith(self.origin + PREFIX):
            self.foreign.append(request.url)
        self.requested.append(request.url.removeprefix(self.origin))

    def assert_clean(self) -> None:
        assert not self.dialogs, self.dialogs
        assert not self.errors, self.errors
        assert not self.foreign, f"requests outside {PREFIX} on the test server: {self.foreign}"


@contextmanager
def watched_page(browser, base_url: str) -> Iterator[Watched]:
    """A fresh context's page (nothing cached) under watch; it must end clean."""
    context = browser.new_context()
    try:
        w = Watched(context.new_page(), base_url.removesuffix(PREFIX))
        yield w
        w.assert_clean()
    finally:
        context.close()


RESULT_LINKS = "#search-results li h2 a"


def open_search(w: Watched, base_url: str, query: str = "") -> None:
    """Open /search/ with ``query`` and wait until its menus are filled: the page is then ready."""
    w.page.goto(base_url + "search/" + query, wait_until="load")
    w.page.wait_for_function("() => !document.getElementById('search-tag').disabled")


def count_text(count: int) -> str:
    return "No results." if count == 0 else "1 result." if count == 1 else f"{count} results."


def wait_for_results(w: Watched, count: int, shown: int | None = None) -> list[str]:
    """Wait until the status reports ``count`` results and ``shown`` (first page) are listed."""
    expected = count_text(count)
    try:
        w.page.wait_for_function(
            "expected => document.getElementById('search-status').textContent === expected",
            arg=expected, timeout=10_000)
        w.page.wait_for_function(
            "n => document.querySelectorAll('#search-results li').length === n",
            arg=min(count, 10) if shown is None else shown, timeout=10_000)
    except Exception:
        status = w.page.locator("#search-status").text_content()
        pytest.fail(f"status is {status!r}, expected {expected!r}; errors: {w.errors}")
    return result_titles(w)


def result_titles(w: Watched) -> list[str]:
    return [t.strip() for t in w.page.locator(RESULT_LINKS).all_inner_texts()]
