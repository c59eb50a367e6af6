"""Freshness: the one place that decides what a build must redo.

A build compares what it is about to read with what the build state says the output was made
from, at four levels, cheapest first:

1. **Settings** (``settings_digest``): the state format, archivegen's version, the output folder
   and the drafts flag. When they differ, or the output folder is gone or empty, the recorded
   outputs describe nothing: a *full* build renders everything.
2. **Content** (``content/incremental.py``): every content file's stat signature, and the hash
   of its bytes when the signature cannot vouch for it. ``reader_digest`` covers what parsed
   records depend on besides the files; when it differs every file is parsed again.
3. **Other inputs** (``InputFiles``): the config file, templates and static files, by the same
   racily-clean rule as content files, so a build right after an edit (or right after a cold
   build) hashes the few files it cannot trust instead of giving up on the shortcut.
4. **Outputs** (``output/check.py``): every output file the state records, by its stat
   signature and, when that moved, its bytes. Deleted or edited outputs are produced again.
   The folders holding them are checked by their signatures too: what a moved folder holds
   that no build wrote (a *stray*, put there by hand) is removed, as a full build would.

A build that finds nothing changed at any level, after a build that left nothing undone
(``complete``), stops at once; otherwise the planner decides page by page from page keys
(``render/inputs.py``). A build that leaves work undone (the live preview leaves the search
index stale) records itself incomplete, so no later build can take the shortcut past it.

Every version constant that invalidates something recorded is listed here, with what it
invalidates (each lives beside the format it versions):

==========================================  ===================================================
``STATE_FORMAT`` (here)                     every recorded output: a full build
``state.store.SCHEMA_VERSION``              the whole state file: it is started afresh
``content.incremental.RECORD_FORMAT``       parsed content records (through ``reader_digest``)
``content.summary.SUMMARY_RULE_ID``         derived summaries: parsed records, the body cache
``render.markdown.MARKDOWN_SETTINGS_ID``    rendered bodies, every page key, search records
``search.indexer.INDEX_SETTINGS``           search bundles
``search.manifest.MANIFEST_FORMAT``         the search manifest (and the page reading it)
``search.records.RECORD_SETTINGS``          search records, so every search bundle
the installed Pagefind binary               search bundles (``search.pagefind.executable_identity``)
``archivegen.__version__``                  all of the above
==========================================  ===================================================
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from archivegen import __version__
from archivegen.build.report import BuildOptions
from archivegen.config.schema import SiteConfig
from archivegen.content import incremental
from archivegen.content.incremental import RACY_NS, RECORD_FORMAT
from archivegen.content.summary import SUMMARY_RULE_ID
from archivegen.output import journal
from archivegen.output.check import (
    FolderStat,
    OutputCheck,
    OutputCheckRun,
    OutputStat,
    folder_stats,
    output_folders,
    output_stats,
)
from archivegen.output.staging import static_files
from archivegen.render.theme import THEME_STATIC, template_dirs
from archivegen.state.store import BuildState

STATE_FORMAT = "build-4"  # bump when what the state records changes meaning

INPUT_FILES = "input_files"  # snapshot names (state/store.py)
OUTPUT_STATS = "output_stats"
OUTPUT_FOLDERS = "output_folders"  # the signatures of the output's folders (output/check.py)
COMPLETE = "complete"  # meta: ``made_with()`` when the last build left nothing undone
SEARCH_FINGERPRINT = "search_fingerprint"  # meta: what the stored search index was made from

# path -> (size, mtime_ns, ctime_ns, inode, checked_ns, sha256)
InputRow = tuple[int, int, int, int, int, str]


def made_with() -> str:
    """What a complete build's search index was made with beyond its inputs: the formats of
    its records and manifest, and the Pagefind binary. When any differs, the next build cannot
    take the "nothing to do" shortcut; the planner then redoes what they invalidate."""
    from archivegen.search.manifest import MANIFEST_FORMAT
    from archivegen.search.pagefind import executable_identity
    from archivegen.search.records import RECORD_SETTINGS

    made = f"{MANIFEST_FORMAT}\0{RECORD_SETTINGS}\0{executable_identity()}"
    return hashlib.sha256(made.encode()).hexdigest()


def settings_digest(output: Path, drafts: bool) -> str:
    """What decides whether the recorded outputs describe ``output`` at all."""
    return hashlib.sha256(f"{STATE_FORMAT}\0{__version__}\0{output}\0{drafts}".encode()).hexdigest()


def reader_digest(config: SiteConfig) -> str:
    """What parsed articles depend on besides their files (dates are read in the site's zone).

    The Python version counts because records are ``marshal``-ed, whose format may change; the
    record format because a record of another layout cannot be decoded; the summary rule because
    records keep derived summaries; the front-matter fields the taxonomies declare because they
    are read (or refused as unknown) only when declared.
    """
    return hashlib.sha256(f"{STATE_FORMAT}\0{RECORD_FORMAT}\0{SUMMARY_RULE_ID}\0{__version__}\0"
                          f"{sys.version_info[:2]}\0"
                          f"{config.timezone}\0{config.content_dir}\0{config.list_fields}".encode()
                          ).hexdigest()


def input_files(config: SiteConfig) -> Iterator[Path]:
    """Everything besides content that a build reads: the config, templates, static files (those
    it publishes: an editor's swap file in ``static/`` changes nothing)."""
    yield config.config_path
    for folder in template_dirs(config.templates_dir):
        if folder.is_dir():
            yield from sorted(path for path in folder.rglob("*") if path.is_file())
    for folder in (THEME_STATIC, config.static_dir):
        yield from static_files(folder).values()


@dataclass
class InputFiles:
    """The config, template and static files, checked like content files (racily clean)."""

    rows: dict[str, InputRow]  # as they are now, to record
    changed: bool
    rehashed: bool = False  # some file was hashed again: its row has a new time to record

    @classmethod
    def check(cls, config: SiteConfig, recorded: dict[str, InputRow]) -> InputFiles:
        rows: dict[str, InputRow] = {}
        changed = rehashed = False
        for path in input_files(config):
            key = str(path)
            try:
                stat = path.stat()
            except OSError:
                changed = True  # gone while listing: the build reads (and reports) it
                continue
            signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            old = recorded.get(key)
            if old is not None and old[:4] == signature \
                    and max(stat.st_mtime_ns, stat.st_ctime_ns) < old[4] - RACY_NS:
                rows[key] = old
                continue
            checked_ns = time.time_ns()
            try:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                changed = True
                continue
            rows[key] = (*signature, checked_ns, sha)
            changed = changed or old is None or old[5] != sha
            rehashed = True
        return cls(rows, changed or set(recorded) != set(rows), rehashed)


@dataclass
class Freshness:
    """How the inputs and the output stand against the build state, before anything is read."""

    settings: str
    reader: str
    full: bool  # the recorded outputs cannot describe the output folder
    same_reader: bool
    scan: incremental.Scan
    inputs: InputFiles
    complete: bool  # the last build left nothing undone
    outputs: OutputCheck = field(default_factory=OutputCheck)
    output_stats: dict[str, OutputStat] = field(default_factory=dict)  # as recorded
    output_folders: dict[str, FolderStat] = field(default_factory=dict)  # as recorded

    def nothing_to_do(self, checked: incremental.Checked) -> bool:
        """True when no input changed since a complete build and its outputs are intact:
        the planner would render nothing, index nothing and write nothing."""
        return (not self.full and self.same_reader and checked.unchanged and not self.inputs.changed
                and self.complete and not self.outputs.damaged and not self.outputs.strays)

    @property
    def damaged(self) -> set[str]:
        return set(self.outputs.damaged)


def assess(config: SiteConfig, options: BuildOptions, output: Path, state: BuildState) -> Freshness:
    """Stat the content, the other inputs and the outputs, and compare them with the state."""
    settings = settings_digest(output, options.drafts)
    reader = reader_digest(config)
    full = (options.full or state.meta("settings") != settings or not _has_files(output)
            or not journal.same_filesystem(output))
    same_reader = state.meta("reader") == reader
    recorded_stats = {} if full else state.snapshot(OUTPUT_STATS)
    recorded_folders = {} if full else state.snapshot(OUTPUT_FOLDERS)
    # No folder signatures yet (a state from before they were recorded): every folder is looked
    # into, once.
    check_folders = recorded_folders or {folder: (-1, -1) for folder in output_folders(recorded_stats)}
    checking = (OutputCheckRun(output, recorded_stats, check_folders)
                if not full and options.check_outputs else None)
    scan = None
    if options.changed_content is not None and same_reader and not full:
        scan = incremental.scan_changed(config.content_dir, options.changed_content, state.source_keys(),
                                        state.source_signatures_of(options.changed_content))
    if scan is None:
        known = state.source_signatures() if same_reader else {}
        scan = incremental.scan(config.content_dir, config.project_dir, known)
    fresh = Freshness(
        settings, reader, full, same_reader, scan=scan,
        inputs=InputFiles.check(config, state.snapshot(INPUT_FILES)),
        complete=state.meta(COMPLETE) == made_with())
    fresh.output_stats, fresh.output_folders = recorded_stats, recorded_folders
    if checking is not None:
        fresh.outputs = checking.result(state.output_digest, state.has_outputs_under)
    return fresh


def _has_files(output: Path) -> bool:
    """An output folder that is missing or empty (``rm -rf site/*``) is built from scratch."""
    try:
        with os.scandir(output) as listing:
            return any(True for _ in listing)
    except OSError:
        return False


def record_output_stats(state: BuildState, output: Path, fresh: Freshness | None, written: list[str],
                        removed: list[str], replace: bool) -> None:
    """Remember the signatures of the outputs, and of the folders holding them, as this build
    leaves them (inside a transaction).

    ``written``: outputs this build wrote or moved in; ``removed``: outputs (and strays) it
    deleted; ``replace``: a full build, whose ``written`` is every output.
    """
    stats = {} if replace or fresh is None else dict(fresh.output_stats)
    if fresh is not None and not replace:
        stats.update(fresh.outputs.refreshed)
    for relative in removed:
        stats.pop(relative, None)
    now = output_stats(output, written)
    for relative in written:
        stats[relative] = now.get(relative, (-1, -1, -1))  # unreadable: checked by its bytes next time
    state.put_snapshot(OUTPUT_STATS, stats)
    folders = {} if replace or fresh is None else dict(fresh.output_folders)
    if folders and fresh is not None:  # else: every folder, recorded from scratch
        touched = output_folders([*written, *removed]) | set(fresh.outputs.folders)
    else:
        touched = output_folders(stats)
    for folder in touched:
        folders.pop(folder, None)
    folders.update(folder_stats(output, touched))
    state.put_snapshot(OUTPUT_FOLDERS, folders)
