"""What ``archivegen import`` tells the user: a progress bar, problem lines, a summary.

The bar is drawn only on a terminal (rich, on stderr) and moves by bytes of input, so a
multi-gigabyte web archive shows progress while its first pass reads it, and a folder of
small pages and one big dump move it at the pace of the work. Problems are always printed, one line
each in the ``path[:line]: message`` form of every archivegen error, so they can be grepped
and piped; renames are printed because the user should know both paths (CHECKLIST I2).
"""

from __future__ import annotations

import re
from collections import Counter
from types import TracebackType

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from archivegen.importing import writer
from archivegen.importing.run import WARNING, Event, ImportSummary

MAX_WARNINGS = 20  # shown without --verbose: one source without offsets can warn for every file
_ORDER = (writer.IMPORTED, writer.UPDATED, writer.RENAMED, writer.UNCHANGED, writer.EDITED,
          writer.SKIPPED, writer.FAILED)


# A dry run writes nothing, so its summary says what *would* happen.
_DRY_RUN_WORDS = {writer.IMPORTED: "to import", writer.UPDATED: "to update",
                  writer.RENAMED: "to import under a new name"}


class ImportReporter:
    def __init__(self, verbose: bool = False, dry_run: bool = False):
        self.verbose, self.dry_run = verbose, dry_run
        self.console = Console(stderr=True)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._warnings = 0

    def __enter__(self) -> ImportReporter:
        if self.console.is_terminal:
            self._progress = Progress(
                TextColumn("importing"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                console=self.console, transient=True)
            self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._progress:
            self._progress.stop()

    def progress(self, done: int, total: int) -> None:
        """``done`` of ``total`` bytes; a smaller ``done`` starts the next pass over them."""
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task("import", total=total)
        self._progress.update(self._task, completed=done, total=total)

    def event(self, event: Event) -> None:
        shown = _relative(event)
        if event.status == writer.FAILED:
            self._say(f"{event.location}: {event.note}", err=True)
        elif event.status == writer.SKIPPED:
            self._say(f"{event.location}: skipped: {event.note}", err=True)
        elif event.status == WARNING:
            self._warnings += 1
            if self.verbose or self._warnings <= MAX_WARNINGS:
                self._say(f"{event.location}: warning: {event.note}", err=True)
        elif event.status == writer.EDITED:  # the user should know which edits --update spared
            self._say(f"{event.origin}: {event.status}: {shown} ({event.note})")
        elif event.status == writer.RENAMED:
            self._say(f"{event.origin}: {self._verb()} {shown} ({event.note})")
        elif self.verbose or (self.dry_run and event.status != writer.UNCHANGED):
            note = f" ({event.note})" if event.note else ""
            verb = self._verb() if event.status in (writer.IMPORTED, writer.UPDATED) else event.status
            self._say(f"{event.origin}: {verb} {shown}{note}")

    def finish(self, summary: ImportSummary) -> None:
        if not self.verbose and self._warnings > MAX_WARNINGS:
            more = self._warnings - MAX_WARNINGS
            click.echo(f"warning: ... and {more} more (--verbose shows all)", err=True)
        counts = summary.counts
        shown = _DRY_RUN_WORDS if self.dry_run else {}
        parts = [f"{counts[status]} {shown.get(status, status)}" for status in _ORDER if counts[status]]
        reasons = Counter(_reason(event.note) for event in summary.events
                          if event.status in (writer.SKIPPED, writer.FAILED))
        line = "Dry run, nothing written: " if self.dry_run else "Import: "
        line += ", ".join(parts) or "nothing to import"
        line += f" in {summary.seconds:.2f} s"
        click.echo(line)
        if reasons:
            click.echo("  not imported: " + "; ".join(f"{reason} ({count})" for reason, count
                                                      in reasons.most_common(8)))
        if summary.passed_over:
            click.echo("  passed over: " + ", ".join(
                f"{count} {_plural(kind, count)}" for kind, count in sorted(
                    summary.passed_over.items(), key=lambda item: (-item[1], item[0]))))

    def _verb(self) -> str:
        return "would write" if self.dry_run else "wrote"

    def _say(self, text: str, err: bool = False) -> None:
        if self._progress:
            self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            click.echo(text, err=err)


def _relative(event: Event) -> str:
    if event.path is None:
        return ""
    try:
        return event.path.relative_to(event.path.cwd()).as_posix()
    except ValueError:
        return str(event.path)


def _plural(kind: str, count: int) -> str:
    """ "revisit record" -> "revisit records"; "HTTP status 404" stays as it is."""
    if count == 1 or not kind.endswith(("record", "file", "response", "capture of a URL")):
        return kind
    if kind.endswith(" of a URL"):
        return kind.replace("capture of a URL", "captures of a URL")
    return kind + "s"


def _reason(note: str) -> str:
    """The kind of a problem, for the summary: its words before any detail or position."""
    text = re.sub(r" at column \d+", "", note)
    return text.split(" (", 1)[0].split(":", 1)[0][:60]
