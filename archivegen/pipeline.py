"""The steps of one build, incremental against the build state (see ``build.py`` for the overview).

A build is *full* when the recorded outputs cannot describe the output folder (no state yet,
another output folder, ``--full``, a different archivegen version, the folder was removed):
then every page is rendered into a staging folder swapped in at the end. Otherwise it is
*incremental*: pages whose input key is unchanged are left alone, changed files are staged in
a pending folder and moved in through the journal. Both paths share every step but the last.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archivegen.build import (
    BuildOptions,
    BuildReport,
    Steps,
    reader_digest,
    remembered_warnings,
    settings_digest,
    workers_for,
)
from archivegen.config.schema import SiteConfig
from archivegen.content import incremental
from archivegen.errors import ContentError
from archivegen.output import journal
from archivegen.output.journal import pending_name, tree_size
from archivegen.output.staging import Staging, copy_files, static_files
from archivegen.render.theme import THEME_STATIC, template_dirs
from archivegen.state.store import BuildState, OutputRow, SourceRow

if TYPE_CHECKING:  # the render stack is imported only when a build has work to do
    from archivegen.content.article import Article
    from archivegen.render.inputs import PageKeys
    from archivegen.render.stage import DaskCluster
    from archivegen.search.indexer import RemoteIndexer, SearchIndex, StoredIndex
    from archivegen.site.model import Site
    from archivegen.site.moves import PublishedUrl

BUNDLE_PREFIX = "pagefind/"
MANIFEST_OUTPUT = f"{BUNDLE_PREFIX}index.json"


def _no_records(keys: Sequence[str]) -> dict[str, tuple[str, bytes]]:
    """The state's records when they were made under other reader settings: none to trust."""
    return {}


def run_build(config: SiteConfig, options: BuildOptions, output: Path, state_dir: Path, steps: Steps,
              report: BuildReport) -> None:
    """Build into ``output``, against that folder's own build state (``state/location.py``)."""
    state = BuildState(state_dir)
    try:
        _Build(config, options, output, state_dir, state, steps, report).run()
    finally:
        state.close()


@dataclass
class _Plan:
    jobs: list[tuple[int, str]]  # (page index, hash of the output's current bytes)
    statics: dict[str, Path]  # output path -> source, to copy
    static_keys: dict[str, str]  # output path -> digest of the source, for every static file
    removed: list[str]  # recorded outputs nothing produces any more (search outputs aside)


class _Build:
    def __init__(self, config: SiteConfig, options: BuildOptions, output: Path, state_dir: Path,
                 state: BuildState, steps: Steps, report: BuildReport) -> None:
        self.config, self.options, self.output, self.state_dir = config, options, output, state_dir
        self.state, self.steps, self.report = state, steps, report
        self.workers = workers_for(options)

    def run(self) -> None:
        self._recover()
        settings = settings_digest(self.config, self.output, self.options.drafts)
        full = (self.options.full or self.state.meta("settings") != settings
                or not self.output.is_dir() or not journal.same_filesystem(self.output))
        self.report.full = full
        reader = reader_digest(self.config)
        with self.steps.step("read content"):
            same_reader = self.state.meta("reader") == reader
            known = self.state.source_signatures() if same_reader else {}
            scanned = incremental.scan(self.config.content_dir, self.config.project_dir, known)
            unchanged_inputs = self._inputs_signature()
            # Nothing changed since the last build *and* it left nothing undone (a build without
            # search, as the live preview's, leaves stale years for the next one to index).
            if (not full and scanned.unchanged and same_reader and unchanged_inputs != "racy"
                    and self.state.meta("inputs") == unchanged_inputs
                    and not self.state.meta("search_pending")):
                self._nothing_to_do()
                return
            from archivegen.render.markdown_cache import BodyCache

            records = self.state.source_records if same_reader else _no_records
            body_cache = BodyCache(self.state_dir)
            try:
                read = incremental.read(scanned, self.config.tzinfo, self.config.project_dir, records,
                                        self.workers, body_cache,
                                        self.steps.counter(len(scanned.to_check), "files"))
            finally:
                body_cache.close()
            self.report.sources_changed = len(read.parsed) + len(read.removed)
            self.report.warnings.extend(read.result.warnings)
            if read.result.problems:
                raise ContentError(read.result.problems)
        self._build(read, full, settings, reader, unchanged_inputs, same_reader)

    # -- steps --------------------------------------------------------------------------------

    def _build(self, read: incremental.IncrementalRead, full: bool, settings: str, reader: str,
               inputs_signature: str, same_reader: bool) -> None:
        from archivegen.render.inputs import PageKeys, TemplateDigests
        from archivegen.render.markdown_cache import HtmlSource
        from archivegen.render.pages import PageRenderer
        from archivegen.render.stage import DaskCluster, render_pages
        from archivegen.search.indexer import SearchIndexer, StoredIndex
        from archivegen.site import build_site
        from archivegen.site.builder import content_prefix
        from archivegen.site.moves import find_moves, move_warnings, published_urls

        config, steps, report = self.config, self.steps, self.report
        articles, source_rows = read.result.articles, read.rows
        with steps.step("build site model"):
            site = build_site(config, articles, include_drafts=self.options.drafts)
            summaries = [e.article.summary or read.summaries.get(e.article.key, "") for e in site.entries]
            report.articles, report.tags, report.pages = len(site.entries), len(site.tags), len(site.pages)
            urls = (self._published(), published_urls(site))
            moves = find_moves(*urls, site)
        with steps.step("plan"):
            keys = PageKeys(config, site, summaries, TemplateDigests(config.templates_dir))
            recorded = {} if full else self.state.outputs()
            plan = self._plan(site, keys, recorded)
            indexer = SearchIndexer(config, site, keys.entries, self.state_dir, config.search)
            stored = StoredIndex.from_rows(self.state.search_bundles())
            # A build without search (the live preview's) leaves the index for the next build;
            # a full build cannot, as it replaces the whole output folder.
            search = full or self.options.search
            report.search.pending = not search and not (
                indexer.is_current(stored) and MANIFEST_OUTPUT in recorded)

        cluster = DaskCluster(self.options.dask) if self.options.dask else None
        staging = Staging(self.output)
        staging.clean_stale()
        journal.clean_stale_pending(self.output)
        root = staging.create() if full else journal.pending_folder(self.output)
        bodies = HtmlSource(self.state_dir, config.content_dir)
        try:
            with steps.step("render pages"):
                renderer = PageRenderer(config, site, summaries, bodies)
                results = render_pages(renderer, plan.jobs, root, self.workers,
                                       cluster or self.options.executor, not full,
                                       steps.counter(len(plan.jobs), "pages"))
            with steps.step("copy static files"):
                copy_files({f"static/{rel}": path for rel, path in plan.statics.items()}, root, flat=not full)
            with steps.step("index search"):
                searched, placed = None, _PlacedSearch()
                if search:
                    on_done = steps.counter(len(site.entries), "articles")
                    searched = indexer.update(stored, summaries, bodies, self.workers, remote(cluster),
                                              on_done, report.search)
                    placed = _place_search(searched, recorded, root, flat=not full)
            written = [site.pages[r.index].output for r in results if r.written]
            report.rendered = len(results)
            report.files = len(written) + len(plan.statics) + len(placed.files)
            report.changed = sorted([*written, *(f"static/{rel}" for rel in plan.statics), *plan.removed])
            report.deleted = len(plan.removed)
            report.bytes_written = sum(r.size for r in results if r.written)
            rows = [OutputRow(site.pages[r.index].output,
                              keys.key(site.pages[r.index], r.templates, r.counts),
                              r.templates, r.counts, r.digest) for r in results]
            rows += [OutputRow(f"static/{rel}", plan.static_keys[rel], "", "", plan.static_keys[rel])
                     for rel in plan.statics]
            if searched is not None:
                rows += placed.rows
                report.changed = sorted([*report.changed, *placed.changed])
            with steps.step("commit"):
                if self.options.before_commit is not None:
                    self.options.before_commit()
                if full:
                    holds = tree_size(root)
                    staging.commit()
                    self._save(rows, source_rows, read, settings, reader, inputs_signature, same_reader,
                               clear_outputs=True, holds=holds, urls=urls, search=searched, stored=stored)
                else:
                    entry = journal.Journal(
                        output=str(self.output), pending=str(root),
                        files=written + [f"static/{rel}" for rel in plan.statics] + placed.files,
                        folders=placed.folders, deletes=plan.removed, drop_folders=placed.drop_folders)
                    self._save(rows, source_rows, read, settings, reader, inputs_signature, same_reader,
                               clear_outputs=False, removed=[*plan.removed, *placed.removed], entry=entry,
                               urls=urls, search=searched, stored=stored)
                    delta = journal.apply(entry, steps.counter(len(entry.files), "files"))
                    holds = self._holds_after(delta)
                    with self.state.transaction():
                        self.state.clear_journal()
                        self.state.set_meta("holds", f"{holds.files} {holds.bytes}")
        except BaseException:
            staging.discard()
            if not full and self.state.journal() is None:
                journal.clean_stale_pending(self.output)
            raise
        finally:
            bodies.close()
            if cluster is not None:
                cluster.close()
        report.output_files, report.output_bytes = holds.files, holds.bytes
        if searched is not None:
            # Every bundle of the index, also those without a word (the site has no folder of them).
            indexer.forget_others(bundle.name for bundle in searched.stored.bundles())
        self._forget_markdown(read, articles)
        # First, and never remembered for a build with nothing to do: the state now has the new URLs.
        report.warnings[:0] = move_warnings(moves, content_prefix(config))

    def _plan(self, site: Site, keys: PageKeys, recorded: dict[str, OutputRow]) -> _Plan:
        jobs: list[tuple[int, str]] = []
        for index, page in enumerate(site.pages):
            old = recorded.get(page.output)
            if old is None:
                jobs.append((index, ""))
            elif keys.key(page, old.templates, old.reads) != old.inputs:
                jobs.append((index, old.digest))
        from archivegen.render.inputs import file_digest

        sources = static_files([THEME_STATIC, self.config.static_dir])
        static_keys = {rel: file_digest(path) for rel, path in sources.items()}
        statics = {rel: sources[rel] for rel, digest in static_keys.items()
                   if (old := recorded.get(f"static/{rel}")) is None or old.inputs != digest}
        planned = {page.output for page in site.pages}
        planned.update(f"static/{rel}" for rel in sources)
        removed = sorted(path for path in recorded
                         if path not in planned and not path.startswith(BUNDLE_PREFIX))
        return _Plan(jobs, statics, static_keys, removed)

    # -- state --------------------------------------------------------------------------------

    def _save(self, rows: list[OutputRow], source_rows: list[SourceRow], read: incremental.IncrementalRead,
              settings: str, reader: str, inputs_signature: str, same_reader: bool, clear_outputs: bool,
              removed: Sequence[str] = (), entry: journal.Journal | None = None,
              holds: journal.TreeSize | None = None,
              urls: tuple[dict[str, PublishedUrl], dict[str, PublishedUrl]] | None = None,
              search: SearchIndex | None = None, stored: StoredIndex | None = None) -> None:
        state, report = self.state, self.report
        with state.transaction():
            if search is not None and stored is not None:
                state.put_search_bundles(search.stored.rows(stored))
            if urls is not None:  # (as recorded, as built now)
                before, published = urls
                state.drop_published_urls(key for key in before if key not in published)
                state.put_published_urls((u.key, u.path, u.content_hash, u.identity)
                                         for key, u in published.items() if before.get(key) != u)
            if clear_outputs:
                state.clear_outputs()
            state.drop_outputs(removed)
            state.put_outputs(rows)
            if not same_reader:
                state.clear_sources()
            state.drop_sources(read.removed)
            state.put_sources(source_rows)
            state.set_meta("settings", settings)
            state.set_meta("reader", reader)
            state.set_meta("inputs", inputs_signature)
            state.set_meta("search_pending", "1" if report.search.pending else "")
            state.set_meta("warnings", pickle.dumps(report.warnings).hex())
            state.set_meta("counts", f"{report.articles} {report.tags} {report.pages}")
            if holds is not None:
                state.set_meta("holds", f"{holds.files} {holds.bytes}")
            if entry is not None:
                state.set_journal(entry)

    def _published(self) -> dict[str, PublishedUrl]:
        from archivegen.site.moves import PublishedUrl

        return {key: PublishedUrl(key, *row) for key, row in self.state.published_urls().items()}

    def _recover(self) -> None:
        """Finish the journal of a build that died after committing its state."""
        pending = self.state.journal()
        if isinstance(pending, journal.Journal):
            journal.apply(pending)
        if pending is not None:
            with self.state.transaction():
                self.state.clear_journal()
                self.state.set_meta("holds", "")  # part of the journal was applied before: recount

    def _holds_after(self, delta: journal.TreeSize) -> journal.TreeSize:
        """What the output holds after an incremental build: the recorded size plus its change,
        or (when no size was recorded) a count of the output, once."""
        recorded = (self.state.meta("holds") or "").split()
        if len(recorded) != 2:
            return tree_size(self.output)
        holds = journal.TreeSize(int(recorded[0]), int(recorded[1]))
        holds.add(delta.files, delta.bytes)
        return holds

    def _nothing_to_do(self) -> None:
        counts = (self.state.meta("counts") or "0 0 0").split()
        self.report.articles, self.report.tags, self.report.pages = (int(n) for n in counts)
        self.report.up_to_date = True
        holds = (self.state.meta("holds") or "").split()
        if len(holds) == 2:
            self.report.output_files, self.report.output_bytes = int(holds[0]), int(holds[1])
        self.report.warnings.extend(remembered_warnings(self.state))

    def _inputs_signature(self) -> str:
        """Everything besides content that a build reads: config bytes, templates, static files.

        Only for the "nothing changed" shortcut; stat signatures suffice for templates and
        static files because a real change of them goes on to be compared by content.
        """
        digest = hashlib.sha256()
        digest.update(self.config.config_path.read_bytes())
        racy_after = time.time_ns() - incremental.RACY_NS
        for folder in [*template_dirs(self.config.templates_dir), THEME_STATIC, self.config.static_dir]:
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                stat = path.lstat()
                if max(stat.st_mtime_ns, stat.st_ctime_ns) > racy_after:
                    return "racy"  # changed too recently for its signature to vouch for it
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0"
                              f"{stat.st_ino}\n".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def _forget_markdown(self, read: incremental.IncrementalRead, articles: Sequence[Article]) -> None:
        """Drop cached bodies that only replaced or deleted versions of articles used."""
        from archivegen.render.markdown_cache import markdown_key

        current = {a.body_hash for a in articles}
        stale = {markdown_key(a.body_hash) for a in read.replaced.values() if a.body_hash not in current}
        if stale:
            with self.state.transaction():
                self.state.drop_markdown(stale)


def remote(cluster: DaskCluster | None) -> RemoteIndexer | None:
    """Index search shards on the Dask cluster too: records go out, bundle files come back."""
    if cluster is None:
        return None
    from archivegen.search.pagefind import index_to_files

    return lambda records, label: cluster.submit(index_to_files, records, label)


@dataclass
class _PlacedSearch:
    """The search index's part of the output change."""

    rows: list[OutputRow] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)  # new bundles, staged whole
    files: list[str] = field(default_factory=list)  # the manifest, when it changed
    drop_folders: list[str] = field(default_factory=list)  # bundles no longer in the index
    removed: list[str] = field(default_factory=list)  # their output rows
    changed: list[str] = field(default_factory=list)


def _place_search(index: SearchIndex, recorded: dict[str, OutputRow], root: Path,
                  flat: bool) -> _PlacedSearch:
    """Stage the bundles the output lacks and the manifest if it changed; drop the others.

    Bundle folders are named by their content, so a recorded folder is never rewritten: a deploy
    checks its files against the digest recorded here.
    """
    from archivegen.render.inputs import folder_files_digest
    from archivegen.render.stage import page_digest
    from archivegen.search.indexer import link_tree

    placed = _PlacedSearch()
    for name, kept in index.folders.items():
        relative = f"{BUNDLE_PREFIX}{name}"
        if f"{relative}/" in recorded:
            continue
        link_tree(kept, root / relative)
        placed.folders.append(relative)
        placed.rows.append(OutputRow(f"{relative}/", name, "", "", folder_files_digest(root / relative)))
        placed.changed.append(f"{relative}/")
    for path in recorded:
        name = path.removeprefix(BUNDLE_PREFIX).removesuffix("/")
        if path.startswith(BUNDLE_PREFIX) and path.endswith("/") and name not in index.folders:
            placed.drop_folders.append(path.rstrip("/"))
            placed.removed.append(path)
            placed.changed.append(path)
    digest = page_digest(index.manifest)  # as a deploy hashes the file
    if (old := recorded.get(MANIFEST_OUTPUT)) is None or old.digest != digest:
        target = root / (pending_name(MANIFEST_OUTPUT) if flat else MANIFEST_OUTPUT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(index.manifest)
        placed.files.append(MANIFEST_OUTPUT)
        placed.rows.append(OutputRow(MANIFEST_OUTPUT, digest, "", "", digest))
        placed.changed.append(MANIFEST_OUTPUT)
    return placed
