"""The steps of one build, in order (see ``build/__init__.py`` for the overview).

A build is *full* when the recorded outputs cannot describe the output folder (``freshness.py``):
then every page is rendered into a staging folder swapped in at the end. Otherwise it is
*incremental*: pages whose input key is unchanged are left alone, and the changed files are
moved in through the journal. Both share every step; ``commit.py`` hides the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from archivegen.build import freshness
from archivegen.build.commit import OutputChange, open_commit, recover
from archivegen.build.freshness import Freshness
from archivegen.build.report import BuildOptions, BuildReport
from archivegen.build.status import remember_warnings, remembered_warnings
from archivegen.build.steps import Steps
from archivegen.config.schema import SiteConfig
from archivegen.content import incremental
from archivegen.errors import ContentError
from archivegen.output.journal import Journal
from archivegen.state.store import BuildState, OutputRow

if TYPE_CHECKING:  # the render stack is imported only when a build has work to do
    from archivegen.content.article import Article
    from archivegen.search.indexer import SearchIndex, StoredIndex
    from archivegen.site.moves import PublishedUrl


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


class _Build:
    def __init__(self, config: SiteConfig, options: BuildOptions, output: Path, state_dir: Path,
                 state: BuildState, steps: Steps, report: BuildReport) -> None:
        self.config, self.options, self.output, self.state_dir = config, options, output, state_dir
        self.state, self.steps, self.report = state, steps, report
        self.workers = options.worker_count

    def run(self) -> None:
        recover(self.state)
        with self.steps.step("check outputs"):
            fresh = freshness.assess(self.config, self.options, self.output, self.state)
        self.report.full = fresh.full
        self.report.restored = len(fresh.outputs.damaged)
        with self.steps.step("read content"):
            from archivegen.render.markdown_cache import BodyCache

            records = self.state.source_records if fresh.same_reader else _no_records
            body_cache = BodyCache(self.state_dir)
            try:
                checked = incremental.check(fresh.scan, self.config.tzinfo, self.config.project_dir,
                                            records, self.workers, body_cache,
                                            self.steps.counter(len(fresh.scan.to_check), "files"))
            finally:
                body_cache.close()
            if fresh.nothing_to_do(checked):
                self._nothing_to_do(fresh, checked)
                return
            read = incremental.recall(checked, self.config.tzinfo, records)
            self.report.sources_changed = len(read.parsed) + len(read.removed)
            self.report.warnings.extend(read.result.warnings)
            if read.result.problems:
                raise ContentError(read.result.problems)
        self._build(read, fresh)

    def _build(self, read: incremental.IncrementalRead, fresh: Freshness) -> None:
        from archivegen.build.plan import plan
        from archivegen.build.searching import PlacedSearch, place_search, remote
        from archivegen.render.inputs import PageKeys, TemplateDigests
        from archivegen.render.markdown_cache import HtmlSource
        from archivegen.render.pages import PageRenderer
        from archivegen.render.stage import DaskCluster, render_pages
        from archivegen.search.indexer import IndexKeys, SearchIndexer, SiteRecords, StoredIndex
        from archivegen.search.manifest import ManifestCounts
        from archivegen.site import build_site
        from archivegen.site.builder import content_prefix
        from archivegen.site.moves import find_moves, move_warnings, published_urls

        config, steps, report, full = self.config, self.steps, self.report, fresh.full
        damaged = fresh.damaged
        articles = read.result.articles
        with steps.step("build site model"):
            site = build_site(config, articles, include_drafts=self.options.drafts,
                              derived_summaries=read.summaries)
            report.articles, report.tags, report.pages = len(site.entries), len(site.tags), len(site.pages)
            urls = (self._published(), published_urls(site))
            moves = find_moves(*urls, site)
        with steps.step("plan"):
            keys = PageKeys(config, site, TemplateDigests(config.templates_dir))
            recorded = {} if full else self.state.outputs()
            planned = plan(site, keys, recorded, config.static_dir, damaged)
            index_keys = IndexKeys(config, self.state_dir)
            index_entries = [index_keys.entry(e, keys.entries[e.index]) for e in site.entries]
            indexer = SearchIndexer(config, index_entries, ManifestCounts.of(site), self.state_dir,
                                    config.search)
            stored = StoredIndex.from_rows(self.state.search_bundles())
            # A build without search (the live preview's) leaves the index for the next build,
            # unless the index's own outputs were damaged; a full build replaces the whole output.
            search_damaged = any(path.startswith("pagefind/") for path in damaged)
            search = full or self.options.search or search_damaged
            from archivegen.build.searching import MANIFEST_OUTPUT

            report.search.pending = not search and not (
                indexer.is_current(stored) and MANIFEST_OUTPUT in recorded)

        cluster = DaskCluster(self.options.dask) if self.options.dask else None
        commit = open_commit(full, self.output, self.state)
        bodies = HtmlSource(self.state_dir, config.content_dir)
        try:
            with steps.step("render pages"):
                renderer = PageRenderer(config, site, bodies)
                results = render_pages(renderer, planned.jobs, commit.writer(), self.workers,
                                       cluster or self.options.executor,
                                       steps.counter(len(planned.jobs), "pages"))
            with steps.step("copy static files"):
                from archivegen.output.staging import copy_files

                copy_files({f"static/{rel}": path for rel, path in planned.statics.items()}, commit.root,
                           flat=commit.flat)
            with steps.step("index search"):
                searched, placed = None, PlacedSearch()
                if search:
                    on_done = steps.counter(len(site.entries), "articles")
                    searched = indexer.update(stored, SiteRecords(config, site, bodies), self.workers,
                                              remote(cluster), on_done, report.search)
                    placed = place_search(searched, recorded, commit.root, commit.flat, damaged)
            written = [site.pages[r.index].output for r in results if r.written]
            statics = [f"static/{rel}" for rel in planned.statics]
            change = OutputChange(files=written + statics + placed.files, folders=placed.folders,
                                  deletes=planned.removed, drop_folders=placed.drop_folders)
            report.rendered = len(results)
            report.files = len(written) + len(statics) + len(placed.files)
            report.changed = sorted([*written, *statics, *planned.removed, *placed.changed])
            report.deleted = len(planned.removed)
            report.bytes_written = sum(r.size for r in results if r.written)
            rows = [OutputRow(site.pages[r.index].output,
                              keys.key(site.pages[r.index], r.templates, r.counts),
                              r.templates, r.counts, r.digest) for r in results]
            rows += [OutputRow(f"static/{rel}", planned.static_keys[rel], "", "", planned.static_keys[rel])
                     for rel in planned.statics]
            rows += placed.rows
            removed = [*planned.removed, *placed.removed]

            def save(entry: Journal | None) -> None:
                self._save(rows, read, fresh, removed, entry, urls, searched, stored)

            with steps.step("commit"):
                if self.options.before_commit is not None:
                    self.options.before_commit()
                holds = commit.commit(change, save, steps.counter(len(change.files), "files"))
                everything = [row.path for row in rows] if full else change.written
                with self.state.transaction():
                    self.state.clear_journal()
                    self.state.set_meta("holds", f"{holds.files} {holds.bytes}")
                    freshness.record_output_stats(self.state, self.output, fresh, everything, removed,
                                                  replace=full)
        except BaseException:
            commit.discard()
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

    # -- state --------------------------------------------------------------------------------

    def _save(self, rows: list[OutputRow], read: incremental.IncrementalRead, fresh: Freshness,
              removed: Sequence[str], entry: Journal | None,
              urls: tuple[dict[str, PublishedUrl], dict[str, PublishedUrl]],
              search: SearchIndex | None, stored: StoredIndex) -> None:
        state, report = self.state, self.report
        with state.transaction():
            if search is not None:
                state.put_search_bundles(search.stored.rows(stored))
            before, published = urls
            state.drop_published_urls(key for key in before if key not in published)
            state.put_published_urls((u.key, u.path, u.content_hash, u.identity)
                                     for key, u in published.items() if before.get(key) != u)
            if fresh.full:
                state.clear_outputs()
            state.drop_outputs(removed)
            state.put_outputs(rows)
            if not fresh.same_reader:
                state.clear_sources()
            state.drop_sources(read.removed)
            state.put_sources(read.rows)
            self._save_freshness(fresh, complete=not report.search.pending)
            remember_warnings(state, report.warnings)
            state.set_meta("counts", f"{report.articles} {report.tags} {report.pages}")
            if entry is not None:
                state.set_journal(entry)

    def _save_freshness(self, fresh: Freshness, complete: bool) -> None:
        """What the next build compares its inputs with (inside a transaction)."""
        self.state.set_meta("settings", fresh.settings)
        self.state.set_meta("reader", fresh.reader)
        self.state.put_snapshot(freshness.INPUT_FILES, fresh.inputs.rows)
        self.state.set_meta(freshness.COMPLETE, "1" if complete else "")

    def _published(self) -> dict[str, PublishedUrl]:
        from archivegen.site.moves import PublishedUrl

        return {key: PublishedUrl(key, *row) for key, row in self.state.published_urls().items()}

    def _nothing_to_do(self, fresh: Freshness, checked: incremental.Checked) -> None:
        """Report the recorded counts; keep what this build re-hashed (files changed just before
        the last build, as every file is after a cold one) so the next one need not."""
        state, report = self.state, self.report
        counts = (state.meta("counts") or "0 0 0").split()
        report.articles, report.tags, report.pages = (int(n) for n in counts)
        report.up_to_date = True
        holds = (state.meta("holds") or "").split()
        if len(holds) == 2:
            report.output_files, report.output_bytes = int(holds[0]), int(holds[1])
        report.warnings.extend(remembered_warnings(state))
        if checked.rows or fresh.outputs.refreshed or fresh.inputs.rehashed:
            with state.transaction():
                state.put_sources(checked.rows)
                state.put_snapshot(freshness.INPUT_FILES, fresh.inputs.rows)
                if fresh.outputs.refreshed:
                    freshness.record_output_stats(state, self.output, fresh, [], [], replace=False)

    def _forget_markdown(self, read: incremental.IncrementalRead, articles: Sequence[Article]) -> None:
        """Drop cached bodies that only replaced or deleted versions of articles used."""
        from archivegen.render.markdown_cache import markdown_key

        current = {a.body_hash for a in articles}
        stale = {markdown_key(a.body_hash) for a in read.replaced.values() if a.body_hash not in current}
        if stale:
            with self.state.transaction():
                self.state.drop_markdown(stale)

