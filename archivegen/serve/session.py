"""``archivegen serve``: build, serve, watch, rebuild what changed, tell the browsers.

One loop thread does all building, so builds never overlap; the HTTP server answers from its
own threads. After a burst of file events the loop runs an incremental build *without* the
search step, publishes the changed pages (open tabs showing one of them reload), and only
then brings the search bundles up to date in a second build. A new change arriving during that
search build stops it at its next safe point (it is atomic, so nothing is lost) and is built
first; the search catches up afterwards.

A failing build never stops the server: its one-line error goes to the terminal and, as an
overlay, to every open tab, which keeps showing the last good page.
"""

from __future__ import annotations

import errno
import signal
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from archivegen import interrupt
from archivegen.build import BuildOptions, BuildReport, build
from archivegen.config import SiteConfig, load_config
from archivegen.errors import ArchivegenError, BuildInterrupted
from archivegen.output.lock import STATE_DIR_NAME
from archivegen.serve.changes import Batch, Debouncer
from archivegen.serve.server import Broadcaster, BuildGate, PreviewServer, is_loopback, output_url_paths
from archivegen.serve.watcher import Watcher

DRAFTS_OUTPUT = "preview-with-drafts"  # below .archivegen/: drafts never reach site/


class BindError(ArchivegenError):
    """The preview cannot listen where it was asked to."""


class Echo(Protocol):
    def __call__(self, line: str, err: bool = False) -> None: ...


def _print(line: str, err: bool = False) -> None:
    print(line, file=sys.stderr if err else sys.stdout, flush=True)


@dataclass
class ServeOptions:
    config_path: Path = Path("site_config.yaml")
    bind: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False
    drafts: bool = False
    poll: bool = False
    workers: int = 0


class PreviewSession:
    """One preview: the server, the watcher and the loop that rebuilds, wired together."""

    def __init__(self, options: ServeOptions, echo: Echo = _print) -> None:
        self.options, self.echo = options, echo
        self.config: SiteConfig = load_config(options.config_path)
        self.output = (self.config.project_dir / STATE_DIR_NAME / DRAFTS_OUTPUT / "site" if options.drafts
                       else self.config.output_dir)
        self.news = Broadcaster()
        self.gate = BuildGate()
        self.debouncer = Debouncer(on_event=self._on_event)
        self.stop = threading.Event()
        self.builds = 0  # successful builds of pages (the first one included)
        self.last_report: BuildReport | None = None  # of the last successful build of pages
        # Content keys changed since the last successful build (None: unknown, look at all).
        self._unbuilt: set[str] | None = set()
        self._search_due = False
        self._searching = threading.Event()
        self.server: PreviewServer | None = None
        self.watcher: Watcher | None = None
        self._threads: list[threading.Thread] = []

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> str:
        """Bind, build once, start serving and watching; return the preview's URL.

        The port is bound before the first build, so a taken port fails at once rather than
        after a long build.
        """
        if not is_loopback(self.options.bind):
            self.echo(f"warning: serving on {self.options.bind}, reachable from other machines; "
                      "the preview is meant for 127.0.0.1", err=True)
        try:
            self.server = PreviewServer((self.options.bind, self.options.port), self.output,
                                        self.config.base_path, self.news, self.gate)
        except OSError as exc:  # the port is taken, or the address is not this machine's
            hint = " (another server uses it: pass --port 0 for any free port)" \
                if exc.errno == errno.EADDRINUSE else ""
            raise BindError(f"cannot serve on {self.options.bind}:{self.options.port}: "
                            f"{exc.strerror or exc}{hint}") from exc
        self._build_pages(first=True)
        self.output.mkdir(parents=True, exist_ok=True)
        self._spawn(self.server.serve_forever, "archivegen-http")
        self.watcher = Watcher(self.config, self.output, self.debouncer, poll=self.options.poll,
                               warn=self.echo, clock=time.monotonic)
        self.watcher.start()
        url = self.server.url
        self.echo(f"Serving {url} (watching {'by polling' if self.watcher.poll else 'for changes'}; "
                  "Ctrl-C to stop)")
        if self.options.open_browser:
            webbrowser.open(url)
        return url

    def run_forever(self) -> None:
        """The loop: wait for a burst of changes, rebuild, repeat, until ``stop`` is set."""
        while not self.stop.is_set():
            batch = self.debouncer.wait(time.monotonic, self.stop, idle=self._idle_work)
            if batch is not None and not self.stop.is_set():
                self.rebuild(batch)

    def run_in_background(self) -> None:
        """Run the loop in a thread (tests, benchmarks); ``close()`` stops and joins it."""
        self._spawn(self.run_forever, "archivegen-serve-loop")

    def close(self) -> None:
        """Stop the loop (a running build stops at its next safe point), the watcher and the server."""
        self.stop.set()
        interrupt.preempt()
        if self.watcher is not None:
            self.watcher.stop()
        if self.server is not None:
            if any(t.name == "archivegen-http" for t in self._threads):
                self.server.shutdown()
            self.server.server_close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=60)
        interrupt.clear()  # the request was for this session's builds, not for later ones

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    # -- building -----------------------------------------------------------------------------

    def rebuild(self, batch: Batch) -> None:
        """Build after one burst of events; the build itself finds out what changed."""
        kinds = ", ".join(sorted(batch.kinds)) or "files"
        if "config" in batch.kinds:
            self._reload_config()
        self._note_content_changes(batch)
        self._build_pages(reason=f"{kinds} changed" + (" (rescan)" if batch.rescan else ""))
        if self.watcher is not None:
            self.watcher.check()

    def _build_pages(self, first: bool = False, reason: str = "") -> None:
        """Build the pages (the search too only the first time) and tell the browsers."""
        started = time.perf_counter()
        interrupt.clear()
        try:
            report = self._gated_build(search=first, publish=self._publish)
        except ArchivegenError as exc:
            message = "\n".join(exc.lines())
            self.echo(message, err=True)
            self.news.publish([], error=message)
            return
        self.builds += 1
        self.last_report = report
        self._unbuilt = set()  # the build saw every change noted so far
        self._search_due = bool(report.search.pending)
        self.echo(self._summary(report, time.perf_counter() - started, reason, first))

    def _gated_build(self, search: bool, publish: Callable[[BuildReport], None] | None = None) -> BuildReport:
        """Run one build with the gate closed from its commit until its news is published.

        Requests meanwhile get the last complete version; during the commit they wait, and after
        it they carry the new build number.
        """
        try:
            report = build(self._options(search=search))
            if publish is not None:
                publish(report)
            return report
        finally:
            self.gate.open()

    def _publish(self, report: BuildReport) -> None:
        statics = set(report.statics)
        changed = output_url_paths([p for p in report.changed if p not in statics], self.config.base_path)
        if report.full or statics:
            changed.append("*")  # a stylesheet (static files are anywhere) or every page: reload all tabs
        self.news.publish(changed)

    def _idle_work(self) -> None:
        """Bring the search bundles up to date while nothing else is waiting."""
        if not self._search_due or self.stop.is_set():
            return
        self._search_due = False
        interrupt.clear()
        self._searching.set()
        started = time.perf_counter()
        try:
            report = self._gated_build(search=True)
            if report.search.indexed:
                articles = report.search.indexed_articles
                self.echo(f"  search re-indexed ({articles} article{'' if articles == 1 else 's'}) "
                          f"in {time.perf_counter() - started:.2f} s")
        except BuildInterrupted:
            self._search_due = not self.stop.is_set()  # a newer change came first; index after it
        except ArchivegenError as exc:
            self.echo("\n".join(exc.lines()), err=True)
        finally:
            self._searching.clear()
            interrupt.clear()

    def _on_event(self) -> None:
        """From the watcher thread: a change arrived; a running search build gives way."""
        if self._searching.is_set():
            interrupt.preempt()

    def _reload_config(self) -> None:
        """Follow a config edit: what is watched and the URL path may have changed.

        An invalid config is left to the build, which reports it with file and line.
        """
        try:
            config = load_config(self.options.config_path)
        except ArchivegenError:
            return
        self.config = config
        if self.watcher is not None:
            self.watcher.config = config
        if self.server is not None and self.server.set_base_path(config.base_path):
            self.echo(f"Serving {self.server.url} (base_url changed)")

    def _note_content_changes(self, batch: Batch) -> None:
        """Remember which content files the watcher saw change, so the build looks at those
        alone (at 100,000 articles, stat-ing every file costs half a second); anything the
        watcher cannot vouch for (lost events, a config edit, a folder) makes it look at all."""
        if self._unbuilt is None:
            return
        if batch.rescan or "config" in batch.kinds:
            self._unbuilt = None
            return
        root = self.config.content_dir.resolve()
        for path in batch.paths:
            try:
                relative = path.resolve().relative_to(root)
            except (ValueError, OSError, RuntimeError):
                continue  # a template, a static file or the config: not content
            self._unbuilt.add(relative.as_posix())

    def _options(self, search: bool) -> BuildOptions:
        # The preview owns its output while it runs: the first build checks it and every content
        # file, later ones trust the output and look only at the files the watcher saw change.
        first = self.builds == 0
        changed = None if first or self._unbuilt is None else frozenset(self._unbuilt)
        return BuildOptions(config_path=self.options.config_path, output_dir=self.output,
                            before_commit=self.gate.close, check_outputs=first, changed_content=changed,
                            drafts=self.options.drafts, workers=self.options.workers, search=search)

    def _summary(self, report: BuildReport, seconds: float, reason: str, first: bool) -> str:
        if first:
            return f"Built {report.articles} articles, {report.tags} tags in {seconds:.2f} s"
        statics = set(report.statics)
        pages = len([p for p in report.changed if p not in statics])
        return f"Rebuilt ({reason}) in {seconds:.2f} s: {pages} file(s) changed"


def serve(options: ServeOptions, echo: Echo = _print) -> None:
    """Run the preview until Ctrl-C (or SIGTERM)."""
    session = PreviewSession(options, echo)

    def stop(signum: int, frame: object) -> None:
        session.stop.set()
        interrupt.preempt()

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        session.start()
        if not session.stop.is_set():  # Ctrl-C during the first build
            session.run_forever()
    finally:
        session.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
