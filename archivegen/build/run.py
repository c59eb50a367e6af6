"""The steps of one build, in order (see ``build/__init__.py`` for the overview).

A build is *full* when the recorded outputs cannot describe the output folder (``freshness.py``):
then every page is rendered into a staging folder swapped in at the end. Otherwise it is
*incremental*: pages whose input key is unchanged are left alone, and the changed files are
moved in through the journal. Both share every step; ``commit.py`` hides the difference.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from archivegen.errors import ContentError, Problem
from archivegen.output.journal import Journal
from archivegen.state.store import BuildState, OutputRow

if TYPE_CHECKING:  # the render stack is imported only when a build has work to do
    from archivegen.build.patch import Edit
    from archivegen.build.plan import Plan
    from archivegen.render.inputs import PageKeys
    from archivegen.render.markdown_cache import HtmlSource
    from archivegen.search.indexer import RecordSource, SearchIndex, StoredIndex
    from archivegen.search.layout import IndexEntry
    from archivegen.search.manifest import ManifestCounts
    from archivegen.site.model import Site
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


@dataclass
class _Model:
    """The site model a build renders from (whole, or patched from the stored one), keyed and
    planned, with what it adds to the build state."""

    site: Site
    keys: PageKeys
    planned: Plan
    recorded: dict[str, OutputRow]  # the output rows the plan compared with
    index_entries: list[IndexEntry]  # every article's place in the search index
    counts: ManifestCounts
    records: Callable[[HtmlSource], RecordSource]
    save: Callable[[BuildState], None]  # its part of the state (inside the build's transaction)
    read: incremental.IncrementalRead | None  # every article, when the model is whole


class _Build:
    def __init__(self, config: SiteConfig, options: BuildOptions, output: Path, state_dir: Path,
                 state: BuildState, steps: Steps, report: BuildReport) -> None:
        self.config, self.options, self.output, self.state_dir = config, options, output, state_dir
        self.state, self.steps, self.report = state, steps, report
        self.workers = options.worker_count
        self._moves: list[Problem] = []  # URLs moved by this build, warned about first

    def run(self) -> None:
        recover(self.state)
        with self.steps.step("check outputs"):
            fresh = freshness.assess(self.config, self.options, self.output, self.state)
        self.report.full = fresh.full
        self.report.restored = len(fresh.outputs.damaged)
        with self.steps.step("read content"):
            records = self.state.source_records if fresh.same_reader else _no_records
            checked = self._check(fresh, records)
            if fresh.nothing_to_do(checked):
                self._nothing_to_do(fresh, checked)
                return
            if checked.problems:
                raise ContentError(checked.problems)
            edits = self._in_place_edits(fresh, checked)
            if edits is None and fresh.scan.partial:  # the whole model needs every file looked at
                fresh = freshness.assess(self.config, dataclasses.replace(self.options, changed_content=None),
                                         self.output, self.state)
                checked = self._check(fresh, records)
            if edits is None:
                read = incremental.recall(checked, self.config.tzinfo, records)
                self.report.sources_changed = len(read.parsed) + len(read.removed)
                self.report.warnings.extend(read.result.warnings)
        if edits is not None:
            self.report.sources_changed, self.report.patched = len(edits), True
            model = self._patched_model(fresh, checked, edits)
        else:
            model = self._whole_model(read, fresh)
        self._render_and_commit(model, fresh)

    def _whole_model(self, read: incremental.IncrementalRead, fresh: Freshness) -> _Model:
        """Build the whole site model from every article, and key every page."""
        from archivegen.build.plan import check_static_files, plan, static_sources
        from archivegen.families import FAMILIES, build_site
        from archivegen.render.inputs import PageKeys, TemplateDigests
        from archivegen.search.indexer import IndexKeys, SiteRecords
        from archivegen.search.manifest import ManifestCounts
        from archivegen.site.moves import find_moves, move_warnings, published_urls
        from archivegen.site.paths import content_prefix
        from archivegen.site.stored import model_rows

        config, report = self.config, self.report
        with self.steps.step("build site model"):
            site = build_site(config, read.result.articles, include_drafts=self.options.drafts,
                              derived_summaries=read.summaries)
            report.articles, report.tags, report.pages = len(site.entries), len(site.tags), len(site.pages)
            before, published = self._published(), published_urls(site)
            self._moves = move_warnings(find_moves(before, published, site), content_prefix(config))
        with self.steps.step("plan"):
            keys = PageKeys(config, site, FAMILIES, TemplateDigests(config.templates_dir))
            recorded = {} if fresh.full else self.state.outputs()
            statics = static_sources(config)
            check_static_files(config, site, statics)
            planned = plan(site, keys, recorded, statics, fresh.damaged)
            index_keys = IndexKeys(config, self.state_dir)
            index_entries = [index_keys.entry(e, keys.entries[e.index]) for e in site.entries]

        def save(state: BuildState) -> None:
            state.drop_published_urls(key for key in before if key not in published)
            state.put_published_urls((u.key, u.path, u.content_hash, u.identity)
                                     for key, u in published.items() if before.get(key) != u)
            if not fresh.same_reader:
                state.clear_sources()
            state.drop_sources(read.removed)
            state.put_sources(read.rows)
            changed = read.parsed | set(read.removed)
            members, counts, terms = model_rows(site)
            if state.meta("model") == fresh.reader and len(changed) < len(site.entries) // 4:
                state.patch_model(changed, (row for row in members if row[2] in changed), counts, terms)
            else:
                state.replace_model(members, counts, terms)
            state.set_meta("model", fresh.reader)
            state.set_meta("counts", f"{report.articles} {report.tags} {report.pages}")

        return _Model(site, keys, planned, recorded, index_entries, ManifestCounts.of(site),
                      lambda bodies: SiteRecords(config, site, bodies), save, read)

    def _check(self, fresh: Freshness, records: incremental.RecordLookup) -> incremental.Checked:
        from archivegen.render.markdown_cache import BodyCache

        body_cache = BodyCache(self.state_dir)
        try:
            return incremental.check(fresh.scan, self.config.tzinfo, self.config.project_dir, records,
                                     self.workers, body_cache,
                                     self.steps.counter(len(fresh.scan.to_check), "files"),
                                     list_fields=self.config.list_fields)
        finally:
            body_cache.close()

    def _in_place_edits(self, fresh: Freshness, checked: incremental.Checked) -> list[Edit] | None:
        """The edits of this build when they all leave their articles in place and the state
        holds what patching the stored model needs (``patch.py``); else None."""
        if (fresh.full or not fresh.same_reader or fresh.outputs.damaged or fresh.inputs.changed
                or self.state.meta("model") != fresh.reader):
            return None
        from archivegen.build import patch

        edits = patch.in_place_edits(checked, self.config.tzinfo, self.config.taxonomies)
        if edits is None or not self.state.has_snapshot(patch.SEARCH_ENTRIES) \
                or not self.state.has_snapshot(patch.SEARCH_COUNTS):
            return None
        return edits

    def _patched_model(self, fresh: Freshness, checked: incremental.Checked, edits: list[Edit]) -> _Model:
        """The part of the stored model that in-place edits change (``patch.py``)."""
        from archivegen.build import patch
        from archivegen.build.plan import BUNDLE_PREFIX, plan, static_sources
        from archivegen.build.searching import MANIFEST_OUTPUT
        from archivegen.families import FAMILIES
        from archivegen.render.inputs import PageKeys, TemplateDigests
        from archivegen.search.indexer import IndexKeys
        from archivegen.site.moves import identity

        config, report, state = self.config, self.report, self.state
        stored_entries = patch.stored_index_entries(state)
        counts = patch.stored_counts(state)
        with self.steps.step("build site model"):
            model = patch.PartialModel(config, state, self.options.drafts)
            site = model.site(edits)
            counted = (state.meta("counts") or "0 0 0").split()
            report.articles, report.tags, report.pages = (int(n) for n in counted)
            old_warnings = {w for edit in edits for w in edit.old_warnings}
            report.warnings[:] = [w for w in remembered_warnings(state) if w not in old_warnings]
            report.warnings += checked.warnings
        with self.steps.step("plan"):
            keys = PageKeys(config, site, FAMILIES, TemplateDigests(config.templates_dir))
            # Static files are inputs: an edit with them unchanged is patched, so they were
            # checked against the generated pages (check_static_files) by an earlier build.
            statics = static_sources(config)
            recorded = state.outputs_at([*(page.output for page in site.pages), *statics, MANIFEST_OUTPUT],
                                        [BUNDLE_PREFIX])
            planned = plan(site, keys, recorded, statics)
            index_keys = IndexKeys(config, self.state_dir)
            for entry in site.entries:
                if entry.article.key in checked.parsed and entry.path in stored_entries:
                    stored_entries[entry.path] = index_keys.entry(entry, keys.entries[entry.index])
        published = {e.article.key: e for e in site.entries if e.article.key in checked.parsed}

        def save(state: BuildState) -> None:
            state.put_published_urls((key, e.path, e.article.content_hash, identity(e.article))
                                     for key, e in published.items())
            state.put_sources(checked.rows)

        return _Model(site, keys, planned, recorded, list(stored_entries.values()), counts,
                      lambda bodies: patch.PatchRecords(config, state, site, model, bodies.html), save, None)

    def _render_and_commit(self, model: _Model, fresh: Freshness) -> None:
        from archivegen.build.patch import store_index_entries
        from archivegen.build.plan import BUNDLE_PREFIX
        from archivegen.build.searching import MANIFEST_OUTPUT, PlacedSearch, place_search, remote
        from archivegen.families import FAMILIES
        from archivegen.render.markdown_cache import HtmlSource
        from archivegen.render.pages import PageRenderer
        from archivegen.render.stage import DaskCluster, render_pages
        from archivegen.search.indexer import SearchIndexer, StoredIndex

        config, steps, report, full = self.config, self.steps, self.report, fresh.full
        damaged = fresh.damaged
        site, keys, planned, recorded = model.site, model.keys, model.planned, model.recorded
        with steps.step("plan search"):
            indexer = SearchIndexer(config, model.index_entries, model.counts, self.state_dir, config.search)
            stored = StoredIndex.from_rows(self.state.search_bundles())
            # A build without search (the live preview's) leaves the index for the next build,
            # unless the index's own outputs were damaged; a full build replaces the whole output.
            search_damaged = any(path.startswith(BUNDLE_PREFIX) for path in damaged)
            search = full or self.options.search or search_damaged
            report.search.pending = not search and not (
                indexer.is_current(stored, self.state.meta(freshness.SEARCH_FINGERPRINT))
                and MANIFEST_OUTPUT in recorded)

        cluster = DaskCluster(self.options.dask) if self.options.dask else None
        commit = open_commit(full, self.output, self.state)
        bodies = HtmlSource(self.state_dir, config.content_dir)
        try:
            with steps.step("render pages"):
                renderer = PageRenderer(config, site, FAMILIES, bodies)
                results = render_pages(renderer, planned.jobs, commit.writer(), self.workers,
                                       cluster or self.options.executor,
                                       steps.counter(len(planned.jobs), "pages"))
            with steps.step("copy static files"):
                from archivegen.output.staging import copy_files

                copy_files(planned.statics, commit.root, flat=commit.flat)
            with steps.step("index search"):
                searched, placed = None, PlacedSearch()
                if search:
                    on_done = steps.counter(len(model.index_entries), "articles")
                    searched = indexer.update(stored, model.records(bodies), self.workers, remote(cluster),
                                              on_done, report.search)
                    placed = place_search(searched, recorded, commit.root, commit.flat, damaged)
            written = [site.pages[r.index].output for r in results if r.written]
            statics = list(planned.statics)
            strays = fresh.outputs.strays  # in the output, written by no build: site/ is generated
            change = OutputChange(files=written + statics + placed.files, folders=placed.folders,
                                  deletes=planned.removed, drop_folders=placed.drop_folders, strays=strays)
            report.rendered = len(results)
            report.files = len(written) + len(statics) + len(placed.files)
            report.changed = sorted([*written, *statics, *planned.removed, *placed.changed])
            report.deleted = len(planned.removed)
            report.strays = list(strays)
            report.statics = statics
            report.bytes_written = sum(r.size for r in results if r.written)
            rows = [OutputRow(site.pages[r.index].output,
                              keys.key(site.pages[r.index], r.templates, r.counts),
                              r.templates, r.counts, r.digest) for r in results]
            rows += [OutputRow(output, planned.static_keys[output], "", "", planned.static_keys[output])
                     for output in planned.statics]
            rows += placed.rows
            removed = [*planned.removed, *placed.removed]

            def save(entry: Journal | None) -> None:
                with self.state.transaction():
                    model.save(self.state)
                    store_index_entries(self.state, model.index_entries, model.counts)
                    self._save(rows, fresh, removed, entry, searched, stored)
                    if searched is not None:
                        self.state.set_meta(freshness.SEARCH_FINGERPRINT, indexer.fingerprint())

            with steps.step("commit"):
                if self.options.before_commit is not None:
                    self.options.before_commit()
                holds = commit.commit(change, save, steps.counter(len(change.files), "files"))
                everything = [row.path for row in rows] if full else change.written
                with self.state.transaction():
                    self.state.clear_journal()
                    self.state.set_meta("holds", f"{holds.files} {holds.bytes}")
                    freshness.record_output_stats(self.state, self.output, fresh, everything,
                                                  [*removed, *strays], replace=full)
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
        if model.read is not None:
            self._forget_markdown(model.read)
        # First, and never remembered for a build with nothing to do: the state now has the new URLs.
        report.warnings[:0] = self._moves

    # -- state --------------------------------------------------------------------------------

    def _save(self, rows: list[OutputRow], fresh: Freshness, removed: Sequence[str], entry: Journal | None,
              search: SearchIndex | None, stored: StoredIndex) -> None:
        """The rest of the state (inside the model's transaction)."""
        state, report = self.state, self.report
        if search is not None:
            state.put_search_bundles(search.stored.rows(stored))
        if fresh.full:
            state.clear_outputs()
        state.drop_outputs(removed)
        state.put_outputs(rows)
        self._save_freshness(fresh, complete=not report.search.pending)
        remember_warnings(state, report.warnings)
        if entry is not None:
            state.set_journal(entry)

    def _save_freshness(self, fresh: Freshness, complete: bool) -> None:
        """What the next build compares its inputs with (inside a transaction)."""
        self.state.set_meta("settings", fresh.settings)
        self.state.set_meta("reader", fresh.reader)
        self.state.put_snapshot(freshness.INPUT_FILES, fresh.inputs.rows)
        self.state.set_meta(freshness.COMPLETE, freshness.made_with() if complete else "")

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
        # Folder signatures moved (a file deleted and restored by hand), or never recorded (a
        # state from before they were): recorded, so the next check can find strays.
        folders = fresh.outputs.folders or not fresh.output_folders
        if checked.rows or fresh.outputs.refreshed or folders or fresh.inputs.rehashed:
            with state.transaction():
                state.put_sources(checked.rows)
                state.put_snapshot(freshness.INPUT_FILES, fresh.inputs.rows)
                if fresh.outputs.refreshed or folders:
                    freshness.record_output_stats(state, self.output, fresh, [], [], replace=False)

    def _forget_markdown(self, read: incremental.IncrementalRead) -> None:
        """Drop cached bodies that only replaced or deleted versions of articles used."""
        from archivegen.render.markdown_cache import markdown_key

        current = {a.body_hash for a in read.result.articles}
        stale = {markdown_key(a.body_hash) for a in read.replaced.values() if a.body_hash not in current}
        if stale:
            with self.state.transaction():
                self.state.drop_markdown(stale)

