#!/usr/bin/env python3
"""Cold-build benchmark for ``archivegen build`` on synthetic archives.

For each requested size N the script generates (once) a deterministic synthetic archive of N
articles, then runs the real ``archivegen build`` CLI as a subprocess ``--repeat`` times. Every
run is cold: the output folder, stale staging folders and the project's ``.archivegen/`` state
folder are deleted first. Reported per size:

* median wall time of the subprocess and articles/s derived from it,
* files written (as reported by the build),
* peak RSS of the whole process tree (parent + forked render workers, summed), sampled with
  psutil every ``--interval`` seconds,
* peak RSS of the largest single process in the tree, from the kernel's ``ru_maxrss`` of that
  run (``os.wait4``: the same figure ``getrusage(RUSAGE_CHILDREN)`` gives, but per run instead of
  a high-water mark over the benchmark's lifetime),
* the cost ratio between consecutive sizes (10k/1k should stay <= ~12x).

Usage (see benchmarks/README.md)::

    python benchmarks/build_bench.py                       # 1000 and 10000 articles, 3 runs each
    python benchmarks/build_bench.py --sizes 100000 --repeat 1 --keep /tmp/agbench
    python benchmarks/build_bench.py --workers 1 --json results.json
"""

from __future__ import annotations

import argparse
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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone
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
_SUMMARY_LINE = re.compile(r"Built (?P<articles>\d+) articles, (?P<tags>\d+) tags: (?P<files>\d+) files "
                           r"\((?P<mb>[\d.]+) MB\).* in (?P<seconds>[\d.]+) s ")


@dataclass
class RunResult:
    wall_s: float
    reported_s: float
    articles: int
    tags: int
    files: int
    output_mb: float
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


def run_build(command: list[str], project: Path, interval: float, pss: bool = False) -> RunResult:
    clean_project(project)
    run = measure_process(command, project, interval, pss)
    stdout, stderr, sampler = run.stdout, run.stderr, run.sampler
    if run.returncode != 0:
        sys.stderr.write(stdout + stderr)
        sys.exit(f"build_bench.py: {' '.join(command)} failed with exit status {run.returncode}")
    summary = _SUMMARY_LINE.search(stdout)
    if summary is None:
        sys.exit(f"build_bench.py: cannot find the 'Built ...' line in the output:\n{stdout}")
    steps = {m["name"]: int(m["ms"]) / 1000 for m in map(_STEP_LINE.match, stdout.splitlines()) if m}
    return RunResult(
        wall_s=run.wall_s, reported_s=float(summary["seconds"]), articles=int(summary["articles"]),
        tags=int(summary["tags"]), files=int(summary["files"]), output_mb=float(summary["mb"]),
        peak_tree_rss=sampler.peak_sum, peak_sampled_single_rss=sampler.peak_single,
        peak_single_rss=run.peak_single_rss, max_processes=sampler.max_processes,
        samples=sampler.samples, build_cpu_s=run.cpu_s, other_cpu_s=run.other_cpu_s,
        peak_tree_pss=sampler.peak_pss if pss else None, steps=steps)


# --------------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------------

@dataclass
class SizeResult:
    size: int
    generate_s: float
    reused_archive: bool
    runs: list[RunResult]

    @property
    def median_s(self) -> float:
        return statistics.median(run.wall_s for run in self.runs)

    @property
    def articles_per_s(self) -> float:
        return self.size / self.median_s if self.median_s else 0.0

    @property
    def files(self) -> int:
        return self.runs[-1].files

    @property
    def peak_tree_mb(self) -> float:
        return max(run.peak_tree_rss for run in self.runs) / MB

    @property
    def peak_single_mb(self) -> float:
        return max(run.peak_single_rss for run in self.runs) / MB

    def step_medians(self) -> dict[str, float]:
        names = list(dict.fromkeys(name for run in self.runs for name in run.steps))
        return {name: statistics.median(run.steps.get(name, 0.0) for run in self.runs)
                for name in names}


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
    parser.add_argument("--repeat", type=int, default=3, help="cold builds per size (default: 3)")
    parser.add_argument("--workers", type=int, default=0,
                        help="passed to 'archivegen build --workers' (default 0: one per core)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate the archives in DIR/articles-N and keep them (an identical "
                             "archive already there is reused); default: a temporary folder")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the results as JSON")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generator (default: 1)")
    parser.add_argument("--interval", type=float, default=0.05,
                        help="RSS sampling interval in seconds (default: 0.05)")
    parser.add_argument("--pss", action="store_true",
                        help="also sample the tree's summed PSS (shared pages counted once)")
    parser.add_argument("--archivegen", metavar="EXE", help="archivegen executable to benchmark")
    parser.add_argument("--max-ratio", type=float, default=1.2,
                        help="allowed cost ratio between sizes, per unit of size ratio "
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
        lines.append(f"cost ratio {large.size}/{small.size}: {cost:.2f}x for {size_ratio:g}x the articles "
                     f"(budget <= {budget:.3g}x): {'OK' if ok else 'OVER BUDGET'}")
        records.append({"small": small.size, "large": large.size, "cost_ratio": cost,
                        "size_ratio": size_ratio, "budget": budget, "ok": ok})
    return lines, records


def print_table(results: list[SizeResult]) -> None:
    header = (f"{'articles':>9} {'median s':>9} {'articles/s':>11} {'files':>8} "
              f"{'peak RSS tree MB':>17} {'peak single MB':>15}")
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.size:>9} {r.median_s:>9.2f} {r.articles_per_s:>11.0f} {r.files:>8} "
              f"{r.peak_tree_mb:>17.1f} {r.peak_single_mb:>15.1f}")


def print_steps(results: list[SizeResult]) -> None:
    names = list(dict.fromkeys(name for r in results for name in r.step_medians()))
    if not names:
        return
    print("\nmedian step times (s), as reported by 'archivegen build -v':")
    width = max(len(name) for name in names)
    print(f"  {'step':<{width}} " + " ".join(f"{r.size:>9}" for r in results))
    for name in names:
        print(f"  {name:<{width}} " + " ".join(f"{r.step_medians().get(name, 0.0):>9.2f}" for r in results))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    archivegen = find_archivegen(args.archivegen)
    temporary = None if args.keep else tempfile.TemporaryDirectory(prefix="archivegen-bench-")
    base = args.keep.resolve() if args.keep else Path(temporary.name)  # type: ignore[union-attr]
    results: list[SizeResult] = []
    try:
        for size in args.sizes:
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
            runs = []
            for number in range(1, args.repeat + 1):
                run = run_build(command, project, args.interval, args.pss)
                runs.append(run)
                log(f"[{size}] run {number}/{args.repeat}: {run.wall_s:.2f} s wall "
                    f"({run.reported_s:.2f} s in build steps), {run.files} files, "
                    f"tree peak {run.peak_tree_rss / MB:.0f} MB over {run.max_processes} processes, "
                    f"single peak {run.peak_single_rss / MB:.0f} MB"
                    + (f", tree PSS peak {run.peak_tree_pss / MB:.0f} MB" if run.peak_tree_pss else "")
                    + f"; CPU {run.build_cpu_s:.1f} s, other processes {run.other_load():.0%}")
                if run.articles != size:
                    log(f"[{size}] warning: the build reported {run.articles} articles")
            results.append(SizeResult(size, generated_in, reused, runs))
    finally:
        if temporary is not None:
            temporary.cleanup()

    workers = args.workers or "0 (one per core)"
    revision = archivegen_revision()
    print(f"\narchivegen {revision} cold builds: {args.repeat} run(s) per size, median wall time; "
          f"--workers {workers}; {os.cpu_count()} CPUs; Python {platform.python_version()}")
    print("peak RSS: max over runs; 'tree' sums parent + render workers (sampled every "
          f"{args.interval * 1000:.0f} ms), 'single' is the largest process (ru_maxrss)\n")
    print_table(results)
    lines, ratios = ratio_lines(results, args.max_ratio)
    if lines:
        print()
        for line in lines:
            print(line)
    print_steps(results)
    busy = [(r.size, n, run.other_load()) for r in results for n, run in enumerate(r.runs, 1)
            if run.other_load() > BUSY_WARNING]
    if busy:
        print("\nwarning: other processes used more than "
              f"{BUSY_WARNING:.0%} of the CPUs during "
              + ", ".join(f"run {n} of {size} ({load:.0%})" for size, n, load in busy)
              + "; those times are inflated")

    if args.json:
        payload = {
            "command": archivegen + ["build", "--config", "<project>/site_config.yaml",
                                     "--workers", str(args.workers), "-v"],
            "archivegen": revision, "argv": sys.argv, "repeat": args.repeat,
            "workers": args.workers, "seed": args.seed,
            "interval_s": args.interval, "python": platform.python_version(),
            "platform": platform.platform(), "cpus": os.cpu_count(),
            "sizes": [{
                "size": r.size, "generate_s": r.generate_s, "reused_archive": r.reused_archive,
                "median_s": r.median_s, "min_s": min(run.wall_s for run in r.runs),
                "max_s": max(run.wall_s for run in r.runs), "articles_per_s": r.articles_per_s,
                "files": r.files,
                "peak_tree_rss_mb": r.peak_tree_mb, "peak_single_rss_mb": r.peak_single_mb,
                "step_medians_s": r.step_medians(), "runs": [asdict(run) for run in r.runs],
            } for r in results],
            "ratios": ratios,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        log(f"results saved to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
