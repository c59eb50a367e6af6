"""Run the Pagefind binary over search records, and read back which result id each page got.

This is the only module that knows Pagefind's command line and bundle layout. It is plain
functions of records in, files out, so the same code indexes a shard in a thread of the build
or on a Dask worker (``index_to_files`` sends the bundle back as bytes).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from archivegen.errors import Problem, SearchError

TIMEOUT_SECONDS = 3600
FRAGMENT_MAGIC = b"pagefind_dcd"  # a fragment file is gzip(magic + JSON)
# Pagefind's ready-made interfaces: the search page uses only pagefind.js and its worker.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
IDS_FILE = "ids.json"
ENTRY_FILE = "pagefind-entry.json"  # the bundle's version and its index per language
# Word locations per index chunk (Pagefind's default: 20,000). A query fetches, from every
# shard it searches, the chunk holding each of its words: smaller chunks cut what a query over
# many shards downloads (10k articles, 8 shards, a rare word over all years: 499 KB -> 367 KB),
# at the cost of a slightly longer chunk list in each shard's metadata. Pagefind 1.5 reads it
# from this (unstable, hence pinned below 2) environment variable.
INDEX_CHUNK_LOCATIONS = 2000
# What Pagefind says when no page has a word to index (it leaves wordless pages out of an index).
NOTHING_TO_INDEX = "not able to build an index"  # beside a kept bundle: site path -> result id


def pagefind_executable() -> Path:
    """The Pagefind binary installed with the ``pagefind[extended]`` package (never downloaded).

    The extended build is the one that splits Japanese and Chinese text into words; without it a
    whole Japanese sentence is one word, and a word inside it cannot be found.
    """
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:
        missing = "pagefind is not installed (pip install 'pagefind[extended]')"
        raise SearchError([Problem("pagefind", missing)]) from None
    return Path(get_executable())


def executable_identity() -> str:
    """Which Pagefind binary is installed (its path, size and time): a build that finds another
    one cannot skip the search index, whatever else is unchanged."""
    try:
        executable = pagefind_executable()
        found = executable.stat()
    except (SearchError, OSError):
        return "none"
    return f"{executable}\0{found.st_size}\0{found.st_mtime_ns}"


def pagefind_version(executable: Path) -> str:
    done = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or "unknown"


def index_records(records: Sequence[tuple[str, bytes]], bundle: Path, label: str) -> dict[str, str]:
    """Index ``records`` (output file name, record HTML) into the new folder ``bundle``.

    Returns each page's result id by site path ('/2020/03/x/'); Pagefind leaves out pages
    without a single word, which therefore have no id (and a bundle of only such pages is an
    empty folder). ``label`` names the bundle in errors. The records are written beside the
    bundle and removed afterwards.
    """
    pages = bundle.with_name(bundle.name + ".pages")
    shutil.rmtree(pages, ignore_errors=True)
    try:
        for name, data in records:
            target = pages / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        done = subprocess.run(
            [str(pagefind_executable()), "--site", str(pages), "--output-path", str(bundle), "--quiet"],
            capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
            env={**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(INDEX_CHUNK_LOCATIONS)})
    finally:
        shutil.rmtree(pages, ignore_errors=True)
    if done.returncode != 0 and NOTHING_TO_INDEX in done.stderr + done.stdout:
        bundle.mkdir(parents=True, exist_ok=True)  # no record had a word: an empty bundle
        return {}
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = " ".join((done.stderr or done.stdout).split())[-300:] or f"exit status {done.returncode}"
        shutil.rmtree(bundle, ignore_errors=True)
        raise SearchError([Problem("pagefind", f"indexing {label} failed: {detail}")])
    for name in UNUSED_FILES:
        (bundle / name).unlink(missing_ok=True)
    return read_ids(bundle)


def bundle_languages(bundle: Path) -> list[str]:
    """The languages Pagefind made an index for in ``bundle`` (its entry file lists them)."""
    try:
        entry = json.loads((bundle / ENTRY_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []  # an empty bundle: no page had a word
    except (OSError, ValueError) as exc:
        raise SearchError([Problem(str(bundle / ENTRY_FILE), f"not a Pagefind entry file: {exc}")]) from None
    return sorted(entry.get("languages") or {})


def read_ids(bundle: Path) -> dict[str, str]:
    """Site path -> Pagefind result id, from the bundle's fragments (an id is its fragment's name)."""
    ids: dict[str, str] = {}
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        if not data.startswith(FRAGMENT_MAGIC):
            raise SearchError([Problem(str(fragment), "not a Pagefind fragment this version can read")])
        ids[json.loads(data[len(FRAGMENT_MAGIC):])["url"]] = fragment.name.removesuffix(".pf_fragment")
    return ids


def index_to_files(records: Sequence[tuple[str, bytes]],
                   label: str) -> tuple[dict[str, bytes], dict[str, str]]:
    """``index_records`` for a remote worker: the bundle's files (relative path -> bytes) and ids."""
    with tempfile.TemporaryDirectory(prefix="archivegen-search-") as scratch:
        bundle = Path(scratch) / "bundle"
        ids = index_records(records, bundle, label)
        files = {str(path.relative_to(bundle)): path.read_bytes()
                 for path in sorted(bundle.rglob("*")) if path.is_file()}
    return files, ids
