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
