"""archivegen serve without a browser: change classification, debounce, the HTTP server, the
reload channel, the build gate, and whole preview sessions on a small temporary archive.

The debounce and classification tests drive pure code with a fake clock. The server tests run a
real PreviewServer on 127.0.0.1 (a free port) in a thread. The session tests run a real
PreviewSession (first build, server, watchdog watcher, rebuild loop) and edit files on disk, as
an editor would; they wait for what the session reports rather than sleeping for fixed times.
CHECKLIST rows S1-S5 are named where they are covered.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from archivegen import interrupt
from archivegen.config import load_config
from archivegen.serve import session as session_module
from archivegen.serve.changes import Debouncer, classify, is_temporary
from archivegen.serve.server import (
    Broadcaster,
    BuildGate,
    PreviewServer,
    is_loopback,
    output_url_paths,
)
from archivegen.serve.session import PreviewSession, ServeOptions
from archivegen.serve.watcher import Watcher
from tests.browser_support import archivegen_script
from tests.projects import make_archive

WAIT = 60.0  # generous: the machine may be busy with a benchmark
THEME_TEMPLATES = Path(__file__).resolve().parent.parent / "archivegen" / "theme" / "templates"

CONFIG = """\
title: Serve test archive
description: A tiny archive for the live preview tests.
base_url: https://example.org/archive/
timezone: UTC
per_page: 20
permalinks: /{year}/{month:02}/{slug}/
"""


def article(title: str, date: str, body: str, tags: str = "[Harbour]") -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: {tags}\nsummary: {title}.\n---\n\n{body}\n"


def write_project(root: Path) -> Path:
    """A three-article archive over two years; returns its site_config.yaml."""
    archive = make_archive(root.parent, {
        "content/2020/ferry.md": article("Ferry returns", "2020-03-05T10:00:00Z",
                                         "The ferry came back on Monday."),
        "content/2020/market.md": article("Market reopens", "2020-06-01T10:00:00Z", "Stalls opened at dawn.",
                                          "[Economy]"),
        "content/2021/bridge.md": article("Bridge survey", "2021-02-01T10:00:00Z",
                                          "Engineers checked the bridge."),
    }, CONFIG, name=root.name)
    return archive.root / "site_config.yaml"


def wait_for(condition: Callable[[], object], timeout: float = WAIT, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as an editor's atomic save does (temp file, rename over)."""
    temporary = path.with_name(f".{path.name}.tmp{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# -- classify ---------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project")


@pytest.mark.parametrize("name", [
    "4913", "ferry.md.swp", ".ferry.md.swp", ".ferry.md.swx", "ferry.md~", "ferry.md___jb_tmp___",
    "ferry.md___jb_old___", ".#ferry.md", "#ferry.md#", ".goutputstream-ABC123", "ferry.md.kate-swp",
    ".DS_Store", "ferry.md.tmp", "ferry.md.part",
])
def test_editor_temporary_files_are_ignored(project: Path, name: str) -> None:  # S4
    config = load_config(project)
    assert is_temporary(name)
    assert classify(project.parent / "content" / "2020" / name, config, config.output_dir) is None


def test_classify_inputs(project: Path) -> None:
    root = project.parent
    config = load_config(project)
    out = config.output_dir
    assert classify(root / "content" / "2020" / "ferry.md", config, out) == "content"
    assert classify(root / "content" / "2024", config, out) == "content"  # a new folder
    assert classify(root / "templates" / "article.html", config, out) == "template"
    assert classify(root / "templates", config, out) == "template"  # templates/ created
    assert classify(root / "static" / "logo.svg", config, out) == "static"
    assert classify(project, config, out) == "config"
    assert not is_temporary("ferry.md")


@pytest.mark.parametrize("relative", [
    "site/index.html", "site/2020/03/ferry/index.html", "site", ".archivegen/state.sqlite",
    ".archivegen/preview-with-drafts/site/index.html", "content/2020/photo.jpg", "content/notes.txt",
    "content/.git/index", "content/2020/.hidden/x.md", "README.md", "other.yaml",
])
def test_classify_noise(project: Path, relative: str) -> None:
    config = load_config(project)
    assert classify(project.parent / relative, config, config.output_dir) is None


def test_classify_ignores_the_drafts_output(project: Path) -> None:
    config = load_config(project)
    drafts_out = project.parent / ".archivegen" / "preview-with-drafts" / "site"
    assert classify(drafts_out / "index.html", config, drafts_out) is None


# -- debounce ---------------------------------------------------------------------------------


def test_debounce_waits_for_the_quiet_period() -> None:
    debouncer = Debouncer(quiet=0.15, max_wait=2.0)
    assert debouncer.due(0.0) is None
    debouncer.add("content", Path("a.md"), now=10.0)
    assert debouncer.due(10.1) is None
    debouncer.add("template", Path("t.html"), now=10.1)
    assert debouncer.due(10.2) is None  # the second event restarted the quiet period
    batch = debouncer.due(10.25)
    assert batch is not None and batch.kinds == {"content", "template"}
    assert batch.paths == {Path("a.md"), Path("t.html")} and not batch.rescan
    assert debouncer.due(20.0) is None and not debouncer.pending()


def test_debounce_500_event_burst_is_one_batch() -> None:  # S4: git checkout of 500 files
    debouncer = Debouncer(quiet=0.15, max_wait=2.0)
    batches = []
    now = 0.0
    for number in range(500):
        now += 0.001  # a checkout writes a file per millisecond
        debouncer.add("content", Path(f"content/2020/a{number}.md"), now)
        batch = debouncer.due(now)
        if batch:
            batches.append(batch)
    assert batches == []
    batch = debouncer.due(now + 0.15)
    assert batch is not None and len(batch.paths) == 500
    assert debouncer.due(now + 10) is None


def test_debounce_max_wait_bounds_an_endless_stream() -> None:
    debouncer = Debouncer(quiet=0.15, max_wait=2.0)
    due_at = []
    now = 0.0
    while now < 5.0:
        debouncer.add("content", Path("a.md"), now)
        if debouncer.due(now):
            due_at.append(round(now, 2))
        now += 0.1
    assert due_at == [2.0, 4.1]  # never quiet, still built every max_wait


def test_debounce_rescan_is_a_batch() -> None:
    debouncer = Debouncer(quiet=0.15)
    debouncer.rescan(now=1.0)
    batch = debouncer.due(1.2)
    assert batch is not None and batch.rescan and not batch.kinds


def test_debounce_on_event_is_called_for_each_event() -> None:
    calls = []
    debouncer = Debouncer(on_event=lambda: calls.append(1))
    debouncer.add("content", Path("a.md"), 0.0)
    debouncer.rescan(0.0)
    assert len(calls) == 2


def test_debounce_wait_runs_idle_work_only_when_nothing_is_pending() -> None:
    clock = [0.0]
    debouncer = Debouncer(quiet=0.15)
    stop = threading.Event()
    idle_calls = []

    def idle() -> None:
        idle_calls.append(clock[0])
        debouncer.add("content", Path("a.md"), clock[0])  # an event arrives during idle work
        clock[0] += 1.0  # ... and the idle work took a second: the burst is over

    batch = debouncer.wait(lambda: clock[0], stop, idle=idle)
    assert batch is not None and batch.kinds == {"content"} and idle_calls == [0.0]
    stop.set()
    assert debouncer.wait(lambda: clock[0], stop) is None


# -- the HTTP server --------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """An output folder with a page of each kind, and symlinks pointing out of it."""
    out = tmp_path / "site"
    (out / "2020" / "ferry").mkdir(parents=True)
    (out / "index.html").write_text("<!DOCTYPE html><html><body><h1>Home</h1></body></html>")
    (out / "404.html").write_text("<!DOCTYPE html><html><body><h1>Nothing here</h1></body></html>")
    (out / "2020" / "ferry" / "index.html").write_text("<html><body><p>Ferry</p></body></html>")
    for name, data in {"style.css": "body{}", "app.js": "export {}", "feed.xml": "<feed/>",
                       "data.json": "{}", "index.wasm": "\0asm", "font.woff2": "x"}.items():
        (out / name).write_text(data)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0")
    (out / "leak.txt").symlink_to(secret / "passwd")
    (out / "leakdir").symlink_to(secret)
    (out / "inside.txt").symlink_to(out / "feed.xml")
    return out


class Running:
    """A PreviewServer serving in a thread, and a way to make raw requests to it."""

    def __init__(self, server: PreviewServer) -> None:
        self.server = server
        self.port = server.server_address[1]

    def request(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            connection.putrequest(method, path, skip_host=False, skip_accept_encoding=True)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


@pytest.fixture
def running(site: Path) -> Iterator[Running]:
    server = PreviewServer(("127.0.0.1", 0), site, "/archive/", Broadcaster(), BuildGate())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Running(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        assert not thread.is_alive()


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/archive/../../etc/passwd", "/archive/%2e%2e/%2e%2e/etc/passwd",
    "/archive/%2E%2E/secret/passwd", "/archive/..%2f..%2fsecret/passwd", "/archive/..%2fsecret%2fpasswd",
    "/archive/2020/../../secret/passwd", "/archive/.%2e/secret/passwd", "/archive/..\\secret\\passwd",
    "/archive/%2e%2e%5csecret%5cpasswd", "/archive/leak.txt", "/archive/leakdir/passwd", "/archive/leakdir/",
    "/archive/index.html%00.css", "/archive/%ff%fe", "/etc/passwd", "/archive//etc/passwd",
])
def test_nothing_outside_the_site_is_served(running: Running, path: str) -> None:  # S2
    status, headers, body = running.request(path)
    assert status in (404, 301), (path, status)
    assert b"root:x" not in body
    if status == 301:  # only the base path redirects, and only to itself
        assert headers["location"] == "/archive/"


def test_a_symlink_inside_the_site_is_served(running: Running) -> None:
    status, _, body = running.request("/archive/inside.txt")
    assert status == 200 and body == b"<feed/>"


def test_directory_index_and_redirects(running: Running) -> None:
    status, headers, body = running.request("/archive/")
    assert status == 200 and b"<h1>Home</h1>" in body
    assert headers["cache-control"] == "no-store"
    status, headers, _ = running.request("/archive")
    assert status == 301 and headers["location"] == "/archive/"
    status, headers, _ = running.request("/")
    assert status == 301 and headers["location"] == "/archive/"
    status, headers, _ = running.request("/archive/2020/ferry?x=1")
    assert status == 301 and headers["location"] == "/archive/2020/ferry/?x=1"
    status, _, body = running.request("/archive/2020/ferry/")
    assert status == 200 and b"<p>Ferry</p>" in body
    status, _, body = running.request("/archive/2020/ferry/index.html")
    assert status == 200 and b"<p>Ferry</p>" in body


def test_404_page_with_status_404(running: Running) -> None:
    for path in ("/archive/no/such/page/", "/elsewhere/", "/archive/2020/"):
        status, headers, body = running.request(path)
        assert status == 404, path
        assert b"Nothing here" in body and headers["content-type"].startswith("text/html")
        assert b"missing=1" in body  # a missing page reloads when a build may have made it


@pytest.mark.parametrize(("name", "expected"), [
    ("index.html", "text/html; charset=utf-8"), ("style.css", "text/css; charset=utf-8"),
    ("app.js", "application/javascript; charset=utf-8"), ("feed.xml", "application/xml; charset=utf-8"),
    ("data.json", "application/json; charset=utf-8"), ("index.wasm", "application/wasm"),
    ("__archivegen__/reload.js", "application/javascript; charset=utf-8"),
])
def test_content_types(running: Running, name: str, expected: str) -> None:
    status, headers, _ = running.request(f"/archive/{name}")
    assert status == 200 and headers["content-type"] == expected


def test_head_has_headers_and_no_body(running: Running) -> None:
    status, headers, body = running.request("/archive/style.css", method="HEAD")
    assert status == 200 and body == b"" and headers["content-length"] == "6"
    status, headers, body = running.request("/archive/nothing", method="HEAD")
    assert status == 404 and body == b"" and int(headers["content-length"]) > 0


def test_reload_script_injected_before_body_end(running: Running) -> None:
    news = running.server.news
    _, _, body = running.request("/archive/2020/ferry/")
    tag = re.search(rb'<script type="module" src="/archive/__archivegen__/reload\.js\?build=0&session=(\w+)"'
                    rb' data-archivegen-reload></script></body>', body)
    assert tag is not None, body
    assert body.count(b"data-archivegen-reload") == 1
    assert f"session={news.session}".encode() in body
    _, _, css = running.request("/archive/style.css")
    assert css == b"body{}"  # only HTML gets the script


def read_event(response: http.client.HTTPResponse) -> tuple[str, dict]:
    """The next Server-Sent Event (name, JSON payload), skipping keep-alive comments."""
    name, data = "", ""
    while True:
        line = response.fp.readline().decode()
        assert line, "the event stream ended"
        line = line.rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = line[6:]
        elif line == "" and name:
            return name, json.loads(data)


def open_events(running: Running, query: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=WAIT)
    connection.request("GET", f"/archive/__archivegen__/events?{query}")
    response = connection.getresponse()
    assert response.status == 200
    assert response.getheader("content-type") == "text/event-stream; charset=utf-8"
    return connection, response


def test_events_hello_then_builds(running: Running) -> None:
    news = running.server.news
    connection, response = open_events(running, f"page=/archive/2020/ferry/&build=0&session={news.session}")
    try:
        assert read_event(response) == ("hello", {"build": 0, "error": "", "reload": False})
        wait_for(lambda: news._listeners, what="the listener")
        news.publish(["/archive/2020/ferry/"])
        expected = {"build": 1, "changed": ["/archive/2020/ferry/"], "error": ""}
        assert read_event(response) == ("build", expected)
        news.publish([], error="content/2020/ferry.md:2: bad front matter")
        name, payload = read_event(response)
        assert name == "build" and payload["error"].startswith("content/2020/ferry.md:2:")
    finally:
        connection.close()


def test_events_hello_says_reload_when_stale(running: Running) -> None:
    news = running.server.news
    news.publish(["/archive/2020/ferry/"])
    for query, stale in [(f"page=/archive/2020/ferry/&build=0&session={news.session}", True),
                         (f"page=/archive/2020/ferry/&build=1&session={news.session}", False),
                         (f"page=/archive/&build=0&session={news.session}", False),
                         ("page=/archive/&build=1&session=from-a-previous-server", True)]:
        connection, response = open_events(running, query)
        try:
            assert read_event(response)[1]["reload"] is stale, query
        finally:
            connection.close()


def test_a_request_waits_while_the_gate_is_closed(running: Running) -> None:  # S5
    gate = running.server.gate
    gate.close()
    results: list[int] = []
    thread = threading.Thread(target=lambda: results.append(running.request("/archive/")[0]))
    thread.start()
    time.sleep(0.4)
    assert results == [] and thread.is_alive()
    _, _, script = running.request("/archive/__archivegen__/reload.js")  # the reload channel never waits
    assert b"EventSource" in script
    gate.open()
    thread.join(timeout=WAIT)
    assert results == [200]


def test_output_url_paths() -> None:
    outputs = ["index.html", "2020/03/ferry/index.html", "tags/harbour/feed.xml", "404.html",
               "2020/03/пример/index.html"]
    assert output_url_paths(outputs, "/archive/") == [
        "/archive/", "/archive/2020/03/ferry/", "/archive/tags/harbour/feed.xml", "/archive/404.html",
        "/archive/2020/03/%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80/"]
    assert output_url_paths(["index.html"], "/") == ["/"]


def test_is_loopback() -> None:  # S1
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("::")


# -- whole sessions ---------------------------------------------------------------------------


class Session:
    """A PreviewSession running in the background on a temporary archive, with its terminal lines."""

    def __init__(self, config_path: Path, **options: object) -> None:
        self.root = config_path.parent
        self.lines: list[tuple[str, bool]] = []
        self._lock = threading.Lock()
        self.preview = PreviewSession(ServeOptions(config_path=config_path, port=0, workers=1, **options),
                                      echo=self._echo)

    def _echo(self, line: str, err: bool = False) -> None:
        with self._lock:
            self.lines.append((line, err))

    def text(self, err: bool | None = None) -> list[str]:
        with self._lock:
            return [line for line, is_err in self.lines if err is None or is_err == err]

    def rebuilds(self) -> list[str]:
        return [line for line in self.text(False) if line.startswith("Rebuilt")]

    def page(self, relative: str) -> str:
        return (self.preview.output / relative).read_text(encoding="utf-8")

    def wait_rebuilds(self, count: int, what: str = "a rebuild") -> None:
        wait_for(lambda: len(self.rebuilds()) >= count, what=what)

    def wait_quiet(self, seconds: float = 1.0) -> None:
        """Wait until the loop has been idle (no pending batch, no page build) for ``seconds``."""
        number = self.preview.news.number
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.preview.debouncer.pending() or self.preview.news.number != number:
                number = self.preview.news.number
                deadline = time.monotonic() + seconds
            time.sleep(0.02)


@pytest.fixture
def start_session(tmp_path: Path) -> Iterator[Callable[..., Session]]:
    sessions: list[Session] = []

    def start(**options: object) -> Session:
        config_path = write_project(tmp_path / f"project{len(sessions)}")
        session = Session(config_path, **options)
        sessions.append(session)
        session.preview.start()
        session.preview.run_in_background()
        return session

    yield start
    for session in sessions:
        session.preview.close()
        assert not [t for t in session.preview._threads if t.is_alive()], "a thread outlived close()"
    assert not interrupt._requested


FERRY_PAGE = "2020/03/ferry/index.html"


def test_session_serves_on_loopback_and_rebuilds_an_edit(start_session: Callable[..., Session]) -> None:  # S1
    session = start_session()
    preview = session.preview
    assert preview.server is not None and preview.server.server_address[0] == "127.0.0.1"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/archive/", preview.server.url)
    assert session.text(True) == [] and session.text(False)[0].startswith("Built 3 articles")
    number = preview.news.number
    replace_file(session.root / "content" / "2020" / "ferry.md",
                 article("Ferry returns", "2020-03-05T10:00:00Z", "The ferry came back on a Tuesday."))
    session.wait_rebuilds(1)
    assert "on a Tuesday" in session.page(FERRY_PAGE)
    assert preview.news.number == number + 1
    running = Running(preview.server)
    status, _, body = running.request("/archive/2020/03/ferry/")
    assert status == 200 and b"on a Tuesday" in body and f"build={number + 1}".encode() in body
    # the search of the edited year catches up in the background, after the reload
    wait_for(lambda: any("search re-indexed (1 article)" in line for line in session.text(False)),
             what="the search re-index")


def test_session_burst_of_200_writes_is_one_rebuild(start_session: Callable[..., Session]) -> None:  # S4
    session = start_session()
    session.wait_quiet()
    number = session.preview.news.number
    folder = session.root / "content" / "2021"
    texts = [(folder / f"burst-{n:03}.md", article(f"Burst article {n}", "2021-05-01T10:00:00Z", f"Body {n}"))
             for n in range(200)]
    for path, text in texts:
        path.write_text(text, encoding="utf-8")
    session.wait_rebuilds(1)
    session.wait_quiet(1.5)
    assert len(session.rebuilds()) == 1, session.text()
    assert session.preview.news.number == number + 1
    assert (session.preview.output / "2021" / "05" / "burst-199" / "index.html").is_file()


def test_session_vim_style_save_is_seen_and_its_temp_files_are_not(
        start_session: Callable[..., Session]) -> None:  # S4
    session = start_session()
    session.wait_quiet()
    folder = session.root / "content" / "2020"
    # only temporary files: no rebuild
    (folder / "4913").write_text("")
    (folder / "4913").unlink()
    (folder / ".ferry.md.swp").write_bytes(b"b0VIM 9.0")
    (folder / "ferry.md___jb_tmp___").write_text("x")
    (folder / "#ferry.md#").write_text("x")
    time.sleep(1.0)
    assert session.rebuilds() == [], session.text()
    # vim's save with backupcopy=no: rename the original away, write a new file, drop the backup
    os.rename(folder / "ferry.md", folder / "ferry.md~")
    (folder / "ferry.md").write_text(article("Ferry returns", "2020-03-05T10:00:00Z", "Saved by vim."))
    (folder / "ferry.md~").unlink()
    session.wait_rebuilds(1)
    session.wait_quiet()
    assert len(session.rebuilds()) == 1 and "Saved by vim." in session.page(FERRY_PAGE)
    (folder / ".ferry.md.swp").unlink()


def test_session_broken_front_matter_then_fixed(start_session: Callable[..., Session]) -> None:  # S3
    session = start_session()
    news = session.preview.news
    path = session.root / "content" / "2020" / "ferry.md"
    good = path.read_text(encoding="utf-8")
    before = session.page(FERRY_PAGE)
    replace_file(path, good.replace("title: Ferry returns", "title: This thing: crashes"))
    wait_for(lambda: news.error, what="the error")
    assert re.match(r"content/2020/ferry\.md:2(:\d+)?: ", news.error), news.error
    assert any(line.startswith("content/2020/ferry.md:2") for line in session.text(True))
    assert session.page(FERRY_PAGE) == before  # the last good page stays
    assert session.preview.server is not None
    assert Running(session.preview.server).request("/archive/")[0] == 200
    replace_file(path, good.replace("came back on Monday", "came back, fixed"))
    session.wait_rebuilds(1, "the fixed build")
    assert news.error == "" and "came back, fixed" in session.page(FERRY_PAGE)


def test_session_edit_during_a_rebuild_gets_another_rebuild(
        start_session: Callable[..., Session], monkeypatch: pytest.MonkeyPatch) -> None:  # S5
    real_build = session_module.build
    calls: list[bool] = []

    def build_and_edit_meanwhile(options, on_step=None):  # type: ignore[no-untyped-def]
        calls.append(options.search)
        if len(calls) == 2:  # the first rebuild: the user saves again while it runs
            replace_file(session.root / "content" / "2020" / "ferry.md",
                         article("Ferry returns", "2020-03-05T10:00:00Z", "Second edit."))
            time.sleep(0.3)
        return real_build(options, on_step)

    monkeypatch.setattr(session_module, "build", build_and_edit_meanwhile)
    session = start_session()
    replace_file(session.root / "content" / "2020" / "ferry.md",
                 article("Ferry returns", "2020-03-05T10:00:00Z", "First edit."))
    session.wait_rebuilds(2, "the second rebuild")
    assert "Second edit." in session.page(FERRY_PAGE)


def test_session_new_folder_is_watched(start_session: Callable[..., Session]) -> None:  # S5
    session = start_session()
    folder = session.root / "content" / "2022" / "spring"
    folder.mkdir(parents=True)
    session.wait_quiet(0.5)
    (folder / "tide.md").write_text(article("Tide tables", "2022-04-01T10:00:00Z", "High tide at noon."))
    wait_for(lambda: (session.preview.output / "2022" / "04" / "tide" / "index.html").is_file(),
             what="the new article's page")
    # a file edited later inside the new folder is seen too (the folder itself is watched)
    session.wait_quiet(0.5)
    replace_file(folder / "tide.md", article("Tide tables", "2022-04-01T10:00:00Z", "Low tide at six."))
    wait_for(lambda: "Low tide at six." in session.page("2022/04/tide/index.html"), what="the edit")


def test_session_template_created_then_edited(start_session: Callable[..., Session]) -> None:  # S5
    session = start_session()
    session.wait_quiet()
    source = (THEME_TEMPLATES / "article.html").read_text(encoding="utf-8")
    assert "{% block main %}" in source
    templates = session.root / "templates"
    templates.mkdir()
    (templates / "article.html").write_text(
        source.replace("{% block main %}", '{% block main %}<p class="mark">Template one</p>', 1))
    wait_for(lambda: "Template one" in session.page(FERRY_PAGE), what="the new template")
    session.wait_quiet(0.5)
    replace_file(templates / "article.html",
                 source.replace("{% block main %}", '{% block main %}<p class="mark">Template two</p>', 1))
    wait_for(lambda: "Template two" in session.page(FERRY_PAGE), what="the template edit")
    assert "Template two" in session.page("2021/02/bridge/index.html")


def test_session_config_edit_rebuilds(start_session: Callable[..., Session]) -> None:  # S5
    session = start_session()
    session.wait_quiet()
    config = session.root / "site_config.yaml"
    replace_file(config, config.read_text().replace("Serve test archive", "Renamed archive"))
    wait_for(lambda: "Renamed archive" in session.page("index.html"), what="the config change")
    assert "Renamed archive" in session.page(FERRY_PAGE)


def test_session_polling(start_session: Callable[..., Session]) -> None:
    session = start_session(poll=True)
    assert any("watching by polling" in line for line in session.text(False))
    session.wait_quiet()
    path = session.root / "content" / "2020" / "ferry.md"
    path.write_text(article("Ferry returns", "2020-03-05T10:00:00Z", "Seen by polling."))
    wait_for(lambda: "Seen by polling." in session.page(FERRY_PAGE), what="the polled edit")


def test_session_inotify_failure_falls_back_to_polling(
        start_session: Callable[..., Session], monkeypatch: pytest.MonkeyPatch) -> None:  # S4
    real = Watcher._make_observer

    def no_inotify(self: Watcher, poll: bool) -> object:
        if not poll:
            raise OSError(28, "inotify watch limit reached")
        return real(self, poll)

    monkeypatch.setattr(Watcher, "_make_observer", no_inotify)
    session = start_session()
    assert any("falling back to polling" in line for line in session.text(True))
    assert session.preview.watcher is not None and session.preview.watcher.poll
    session.wait_rebuilds(1, "the rescan")  # events may have been lost: one build looks
    path = session.root / "content" / "2020" / "ferry.md"
    path.write_text(article("Ferry returns", "2020-03-05T10:00:00Z", "Seen after the fallback."))
    wait_for(lambda: "Seen after the fallback." in session.page(FERRY_PAGE), what="the polled edit")


def test_session_inotify_overflow_rescans(start_session: Callable[..., Session]) -> None:  # S4
    session = start_session()
    session.wait_quiet()
    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost")
    session.wait_rebuilds(1, "the rescan")
    assert "(rescan)" in session.rebuilds()[0]
    assert any("lost events" in line for line in session.text(True))


def test_session_close_stops_every_thread(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    session = Session(write_project(tmp_path / "p"))
    session.preview.start()
    session.preview.run_in_background()
    session.preview.close()
    time.sleep(0.2)
    leftover = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert leftover == [], leftover
    assert not interrupt._requested


# -- the command ------------------------------------------------------------------------------


def run_serve(project: Path, *options: str) -> tuple[subprocess.Popen[str], str]:
    """Start `archivegen serve` and return it with its "Serving ..." line."""
    process = subprocess.Popen([archivegen_script(), "serve", "--config", str(project), *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=project.parent)
    assert process.stdout is not None
    for _ in range(20):
        line = process.stdout.readline()
        if line.startswith("Serving ") or not line:
            return process, line
    raise AssertionError("no Serving line")


def stop_serve(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=WAIT)
    return process.returncode, stderr


def test_cli_port_0_prints_the_url_and_serves_on_loopback(project: Path) -> None:  # S1
    process, line = run_serve(project, "--port", "0")
    try:
        match = re.match(r"Serving http://127\.0\.0\.1:(\d+)/archive/ ", line)
        assert match, line
        port = int(match.group(1))
        assert port != 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        connection.request("GET", "/archive/2020/03/ferry/")
        response = connection.getresponse()
        assert response.status == 200 and b"The ferry came back" in response.read()
        connection.close()
        listening = subprocess.run(["ss", "-Hltn", f"sport = :{port}"], capture_output=True, text=True)
        if listening.returncode == 0:
            assert listening.stdout.split()[3] == f"127.0.0.1:{port}", listening.stdout
    finally:
        code, stderr = stop_serve(process)
    assert code == 0 and "Traceback" not in stderr and stderr == "", stderr


def test_cli_bind_elsewhere_warns(project: Path) -> None:  # S1
    process, line = run_serve(project, "--port", "0", "--bind", "0.0.0.0")
    try:
        assert line.startswith("Serving http://0.0.0.0:"), line
    finally:
        code, stderr = stop_serve(process)
    assert code == 0
    assert "warning: serving on 0.0.0.0, reachable from other machines" in stderr


def test_cli_taken_port_is_one_line(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([archivegen_script(), "serve", "--config", str(project), "--port", str(port)],
                                capture_output=True, text=True, timeout=WAIT)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"archivegen: cannot serve on 127.0.0.1:{port}: "
                                                  "Address already in use (another server uses it: "
                                                  "pass --port 0 for any free port)"]


def test_cli_drafts_build_outside_the_output(project: Path) -> None:
    draft = project.parent / "content" / "2021" / "secret.md"
    draft.write_text(article("Draft plan", "2021-03-01T10:00:00Z", "Not yet.").replace(
        "summary:", "draft: true\nsummary:"))
    process, line = run_serve(project, "--port", "0", "--drafts")
    try:
        port = int(re.search(r":(\d+)/", line).group(1))  # type: ignore[union-attr]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        connection.request("GET", "/archive/2021/03/secret/")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        stop_serve(process)
    assert not (project.parent / "site" / "2021" / "03" / "secret").exists()
    shutil.rmtree(project.parent / ".archivegen", ignore_errors=True)


# -- the preview's rebuilds look only where the watcher saw changes ----------------------------


def test_a_rebuild_looks_only_at_the_files_the_watcher_named(project: Path) -> None:
    """Issue 15 item 2: the preview does not stat the whole content folder on every save; it
    looks at the files the watcher named and patches the stored model (a CLI build still looks
    at everything)."""
    from archivegen.serve.changes import Batch

    session = PreviewSession(ServeOptions(config_path=project, workers=1), echo=lambda line, err=False: None)
    try:
        session._build_pages(first=True)
        content = project.parent / "content"
        named, unnamed = content / "2020" / "ferry.md", content / "2021" / "bridge.md"
        named.write_text(named.read_text(encoding="utf-8").replace("Monday", "Tuesday"), encoding="utf-8")
        unnamed.write_text(unnamed.read_text(encoding="utf-8").replace("bridge.", "tunnel."),
                           encoding="utf-8")
        session.rebuild(Batch(kinds={"content"}, paths={named}))
        report = session.last_report
        assert report is not None and report.patched and report.sources_changed == 1
        site = project.parent / "site"
        assert "Tuesday" in (site / "2020" / "03" / "ferry" / "index.html").read_text(encoding="utf-8")
        assert "tunnel" not in (site / "2021" / "02" / "bridge" / "index.html").read_text(encoding="utf-8")
        session.rebuild(Batch(rescan=True))  # the watcher lost events: everything is looked at
        assert "tunnel" in (site / "2021" / "02" / "bridge" / "index.html").read_text(encoding="utf-8")
    finally:
        session.close()
