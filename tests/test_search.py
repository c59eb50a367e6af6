"""The search index step: size-cut shards, a delta bundle, superseded ids and compaction.

Every build is compared with a clean build of the same content: the set of records a query can
find (``tests/search_support.searchable``) must be the same. Browser behaviour of the search
page is in test_browser_search*.py; this file checks the build side with the real Pagefind
binary (from the ``pagefind[extended]`` package).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archivegen.errors import SearchError
from archivegen.search import pagefind
from archivegen.search.manifest import MANIFEST_FORMAT
from archivegen.search.records import EVERY_RECORD_WORD
from archivegen.search.report import SearchReport
from tests.conftest import tree_bytes
from tests.projects import Archive, make_archive
from tests.search_support import bundle_pages, bundles, folders_on_disk, manifest, searchable

CONFIG = ("title: Search test\nbase_url: https://example.org/archive/\ntimezone: UTC\nlanguage: en\n"
          "search:\n  shard_articles: 3\n  delta_articles: 2\n")


def article(title: str, date: str, tags: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\ntags: [{tags}]\n---\n\n{body}\n"


def story(year: int, n: int, words: str = "Ferries and trains were mentioned.") -> str:
    return article(f"Story {n} of {year}", f"{year}-0{n + 1}-10T10:00:00Z", "Harbour" if n else "Rail",
                   f"The council discussed item {year}{n} at length. {words}")


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return make_archive(tmp_path, {f"content/{year}-{n}.md": story(year, n)
                                   for year in (2019, 2020, 2021) for n in range(3)}, CONFIG)


def run(archive: Archive) -> SearchReport:
    return archive.build().search


def clean_searchable(archive: Archive, tmp_path: Path) -> dict[str, str]:
    """What a clean build of the same project finds (a copy without state or output)."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(archive.root, clean, ignore=shutil.ignore_patterns(".archivegen", "site", ".site.*"))
    Archive(clean).build()
    return searchable(clean / "site")


def test_a_cold_build_cuts_date_ordered_shards_and_a_manifest(archive: Archive) -> None:
    report = run(archive)
    assert report.shards == 3 and report.delta == 0 and len(report.indexed) == 3
    index = manifest(archive.site)
    assert [s["years"] for s in index["shards"]] == [[2019], [2020], [2021]]
    assert [s["articles"] for s in index["shards"]] == [3, 3, 3]
    assert index["delta"] is None and index["superseded"] == []
    assert index["years"] == {"2019": 3, "2020": 3, "2021": 3}
    assert index["tags"] == {"Harbour": {"2019": 2, "2020": 2, "2021": 2},
                             "Rail": {"2019": 1, "2020": 1, "2021": 1}}
    assert folders_on_disk(archive.site) == set(bundles(archive.site))
    found = searchable(archive.site)
    assert len(found) == 9 and "/archive/2020/02/2020-1/" not in found and "/2020/02/2020-1/" in found
    first = bundle_pages(archive.site / "pagefind" / index["shards"][0]["path"])
    assert sorted(f["url"] for f in first.values()) == [f"/2019/0{n}/2019-{n - 1}/" for n in (1, 2, 3)]
    assert not (archive.site / "pagefind" / index["shards"][0]["path"] / "pagefind-ui.js").exists()
    assert (archive.site / "search" / "index.html").is_file()


def test_small_years_share_a_shard_and_a_big_year_spans_several(tmp_path: Path) -> None:
    files = {f"content/2018-{n}.md": story(2018, n) for n in range(1)}
    files.update({f"content/2019-{n}.md": story(2019, n) for n in range(1)})
    files.update({f"content/2020-{n}.md": story(2020, n) for n in range(7)})
    archive = make_archive(tmp_path, files, CONFIG)
    run(archive)
    shards = manifest(archive.site)["shards"]
    assert [s["articles"] for s in shards] == [3, 3, 3]  # nine articles cut evenly
    assert shards[0]["years"] == [2018, 2019, 2020] and shards[1]["years"] == [2020]


def test_an_edit_goes_to_the_delta_and_supersedes_its_base_record(archive: Archive, tmp_path: Path) -> None:
    run(archive)
    shards_before = {name: tree_bytes(archive.site / "pagefind" / name) for name in bundles(archive.site)}
    old_ids = {f["url"]: pid for name in bundles(archive.site)
               for pid, f in bundle_pages(archive.site / "pagefind" / name).items()}
    again = run(archive)
    assert again.indexed == [] and again.delta == 0
    archive.write("content/2020-1.md", story(2020, 1, "Hovercraft were mentioned."))
    report = run(archive)
    assert report.delta == 1 and report.superseded == 1 and report.compacted == 0
    assert len(report.indexed) == 1 and report.indexed[0].startswith("d-")
    index = manifest(archive.site)
    assert index["superseded"] == [old_ids["/2020/02/2020-1/"]]
    assert list(index["delta"]["dates"].values()) == ["2020-02-10T10:00:00+00:00"]
    for name, files in shards_before.items():  # the shards are untouched
        assert tree_bytes(archive.site / "pagefind" / name) == files
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)
    assert folders_on_disk(archive.site) == set(bundles(archive.site))


def test_reverting_an_edit_empties_the_delta(archive: Archive) -> None:
    run(archive)
    original = (archive.root / "content/2020-1.md").read_text(encoding="utf-8")
    archive.write("content/2020-1.md", story(2020, 1, "Hovercraft were mentioned."))
    run(archive)
    archive.write("content/2020-1.md", original)
    report = run(archive)
    assert report.delta == 0 and report.superseded == 0 and report.indexed == []
    index = manifest(archive.site)
    assert index["delta"] is None and index["superseded"] == []
    assert folders_on_disk(archive.site) == set(bundles(archive.site))


def test_a_delete_supersedes_and_a_shard_left_empty_is_dropped(archive: Archive, tmp_path: Path) -> None:
    run(archive)
    (archive.root / "content/2019-0.md").unlink()
    report = run(archive)
    assert report.delta == 0 and report.superseded == 1 and report.indexed == []
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)
    for n in (1, 2):
        (archive.root / f"content/2019-{n}.md").unlink()
    report = run(archive)
    assert report.shards == 2 and report.superseded == 0 and report.indexed == []
    assert manifest(archive.site)["years"] == {"2020": 3, "2021": 3}
    assert folders_on_disk(archive.site) == set(bundles(archive.site))
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)


def test_compaction_folds_the_delta_into_the_shards_it_touches(archive: Archive, tmp_path: Path) -> None:
    run(archive)
    first = bundles(archive.site)[0]
    archive.write("content/2021-0.md", story(2021, 0, "Barges."))
    archive.write("content/2020-0.md", story(2020, 0, "Canoes."))
    assert run(archive).delta == 2  # at the limit: not yet
    archive.write("content/2021-9.md", story(2021, 9, "Rafts.").replace("2021-010", "2021-12"))
    report = run(archive)
    assert report.compacted == 2 and report.delta == 0 and report.superseded == 0
    assert len(report.indexed) == 3 and report.indexed_articles == 7  # 3 + 4, re-cut as 3 + 2 + 2
    assert bundles(archive.site)[0] == first  # the shard the delta did not touch
    assert manifest(archive.site)["delta"] is None
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)


def test_a_shard_mostly_superseded_is_rebuilt_rather_than_shadowed(archive: Archive) -> None:
    run(archive)
    archive.write("content/2021-0.md", story(2021, 0, "Barges."))
    archive.write("content/2021-1.md", story(2021, 1, "Canoes."))
    report = run(archive)
    assert report.compacted == 1 and report.delta == 0 and report.indexed_articles == 3


def test_new_articles_at_the_new_end_never_recut_old_shards(archive: Archive, tmp_path: Path) -> None:
    run(archive)
    old = bundles(archive.site)
    for n in range(4):
        archive.write(f"content/2022-{n}.md", story(2022, n))
    report = run(archive)  # four new articles: past the delta limit, so compacted at once
    assert report.compacted == 1
    assert bundles(archive.site)[:2] == old[:2]
    assert [s["articles"] for s in manifest(archive.site)["shards"]] == [3, 3, 3, 2, 2]  # 7 re-cut evenly
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)


def test_a_superseded_id_that_is_live_elsewhere_forces_its_shard_to_be_rebuilt(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(archive)
    old_id = next(pid for name in bundles(archive.site)
                  for pid, f in bundle_pages(archive.site / "pagefind" / name).items()
                  if f["url"] == "/2020/02/2020-1/")
    real = pagefind.index_records

    def colliding(records: list[tuple[str, bytes]], bundle: Path, label: str) -> dict[str, str]:
        ids = real(records, bundle, label)
        if label == "the delta":  # give the new version its old id, as a 28-bit clash would
            (bundle / "fragment" / f"{ids['/2020/02/2020-1/']}.pf_fragment").rename(
                bundle / "fragment" / f"{old_id}.pf_fragment")
            ids["/2020/02/2020-1/"] = old_id
        return ids

    monkeypatch.setattr(pagefind, "index_records", colliding)
    archive.write("content/2020-1.md", story(2020, 1, "Hovercraft were mentioned."))
    report = run(archive)
    assert report.compacted == 1 and report.delta == 0 and report.superseded == 0
    assert old_id not in manifest(archive.site)["superseded"]
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)


def test_a_failing_pagefind_fails_the_build_and_leaves_the_site_intact(
        archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(archive)
    site_before = tree_bytes(archive.site)
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'pagefind 0' && exit 0\n"
                      "echo 'Error: disk full' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(pagefind, "pagefind_executable", lambda: broken)
    archive.write("content/2021-0.md", story(2021, 0, "More text."))
    with pytest.raises(SearchError) as failure:
        run(archive)
    assert "pagefind: indexing the " in str(failure.value) and "disk full" in str(failure.value)
    assert tree_bytes(archive.site) == site_before
    monkeypatch.undo()
    run(archive)  # the next build recovers
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)


def test_articles_without_a_word_of_their_own_are_indexed_for_browsing(tmp_path: Path) -> None:
    """A picture under a title of signs has no word for Pagefind, but every record carries the
    manifest's "every" word, so browsing by a tag or a year lists it like any other article."""
    files = {f"content/2019-{n}.md": article("“—”", f"2019-0{n + 1}-10T10:00:00Z", "Photo", "")
             for n in range(3)}
    files.update({f"content/{year}-{n}.md": story(year, n) for year in (2020, 2021) for n in range(3)})
    archive = make_archive(tmp_path, files, CONFIG)
    assert run(archive).shards == 3
    index = manifest(archive.site)
    assert len(index["shards"]) == 3 and index["every"] == EVERY_RECORD_WORD
    assert len(searchable(archive.site)) == 9
    archive.write("content/2020-9.md", article("“—”", "2020-06-10T10:00:00Z", "Photo", ""))
    report = run(archive)
    assert report.delta == 1 and len(report.indexed) == 1 and report.compacted == 0
    assert manifest(archive.site)["delta"]["articles"] == 1
    (archive.root / "content/2021-2.md").unlink()  # supersedes a record; the delta stays as it is
    report = run(archive)
    assert report.indexed == [] and report.compacted == 0 and report.superseded == 1
    assert folders_on_disk(archive.site) == set(bundles(archive.site))
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)


def test_a_lost_search_cache_rebuilds_the_shards_it_held(archive: Archive, tmp_path: Path) -> None:
    run(archive)
    shutil.rmtree(archive.root / ".archivegen" / "search")
    archive.write("content/2021-0.md", story(2021, 0, "More text."))
    report = run(archive)
    assert report.compacted == 3 and report.delta == 0
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)


@pytest.mark.parametrize("full", [False, True])
def test_a_time_zone_change_reindexes_the_articles_whose_day_it_moves(tmp_path: Path, full: bool) -> None:
    """A record's date is the site zone's day: a zone change that moves it (not the URL, whose
    year and month stay) must not leave the kept shard's record, nor even after ``--full``."""
    late = article("Late", "2019-03-07T15:00:00Z", "Harbour", "Fireworks over the harbour.")
    archive = make_archive(tmp_path, {**{f"content/2019-{n}.md": story(2019, n) for n in range(3)},
                                      "content/late.md": late}, CONFIG)
    run(archive)
    archive.write("site_config.yaml", CONFIG.replace("UTC", "Pacific/Auckland"))
    report = archive.build(full=full).search
    assert report.indexed_articles == 1  # "Late" alone is on another day: 8 March in Auckland
    superseded = set(manifest(archive.site)["superseded"])
    [date] = [f["meta"]["date"] for name in bundles(archive.site)
              for pid, f in bundle_pages(archive.site / "pagefind" / name).items()
              if pid not in superseded and f["url"] == "/2019/03/late/"]
    assert date == "2019-03-08"
    assert searchable(archive.site) == clean_searchable(archive, tmp_path)


def test_the_manifest_counts_live_articles_per_year_and_tag(archive: Archive) -> None:
    run(archive)
    archive.write("content/2021-2.md", story(2021, 2).replace("[Harbour]", "[Rail, Ferries]"))
    (archive.root / "content/2019-1.md").unlink()
    run(archive)
    index = manifest(archive.site)
    assert index["years"] == {"2019": 2, "2020": 3, "2021": 3}
    assert index["tags"] == {"Ferries": {"2021": 1}, "Harbour": {"2019": 1, "2020": 2, "2021": 1},
                             "Rail": {"2019": 1, "2020": 1, "2021": 2}}
    assert index["format"] == MANIFEST_FORMAT
    assert [s["languages"] for s in index["shards"]] == [["en"], ["en"], ["en"]]


def test_pagefind_is_the_packaged_binary() -> None:
    executable = pagefind.pagefind_executable()
    assert executable.is_file() and shutil.which(str(executable))
    assert pagefind.pagefind_version(executable).startswith("pagefind")



@pytest.mark.parametrize("change", ["record format", "Pagefind binary"])
def test_a_new_record_format_or_pagefind_binary_is_not_skipped_as_nothing_to_do(
        archive: Archive, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """Nothing in the archive changed, but what its index is made with did: the next build must
    not take the "nothing to do" shortcut past a stale index (an upgrade to the extended
    Pagefind binary, a new record layout)."""
    from archivegen.search import indexer, records

    run(archive)
    assert run(archive).indexed == []  # nothing to do
    if change == "record format":
        monkeypatch.setattr(records, "RECORD_SETTINGS", "record-next")
        monkeypatch.setattr(indexer, "RECORD_SETTINGS", "record-next")
    else:
        executable = pagefind.pagefind_executable()
        copy = archive.root / "bin" / "pagefind"  # the name of the plain (not extended) binary
        copy.parent.mkdir()
        shutil.copy2(executable, copy)
        monkeypatch.setattr(pagefind, "pagefind_executable", lambda: copy)
    report = run(archive)
    assert report.compacted == 3 and len(report.indexed) == 3
    assert run(archive).indexed == []
