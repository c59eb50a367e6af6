#!/usr/bin/env python3
"""Extraction quality of ``archivegen import`` against the shared third-party gold standards.

Why: the importer is only as good as the text it keeps. The shared scorers in
``../shared/tools/`` measure archivegen's extractors (``archivegen.importing.evaluation``, the very
code paths ``archivegen import`` runs) on corpora other people annotated; this script runs all of
them, puts the figures next to the project's targets in one table and exits non-zero when a
target is missed, so a change that makes extraction worse fails CI instead of going unnoticed.

The scorers are separate processes (each loads its corpus and runs single-threaded for a minute
or more), so ``--jobs`` of them run at once. Nothing is re-implemented here: the figures are
exactly what the scorers print.

Usage (see benchmarks/README.md)::

    python benchmarks/extraction_bench.py                      # every dataset, 2 scorers at a time
    python benchmarks/extraction_bench.py --only metadata
    python benchmarks/extraction_bench.py --json /tmp/extraction.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EVALUATION = "archivegen.importing.evaluation"


@dataclass(frozen=True)
class Target:
    """One number a scorer reports and the least value it must reach (None: shown, not judged)."""

    metric: str  # how the table names it
    key: str  # the key in the scorer's parsed output
    minimum: float | None


@dataclass(frozen=True)
class Scorer:
    """One scorer run: a name for ``--only``, its command line and the targets it is judged by."""

    name: str
    tool: str  # file in shared/tools/
    arguments: tuple[str, ...]
    targets: tuple[Target, ...]

    @property
    def is_extraction(self) -> bool:
        return self.tool == "extraction_eval.py"


SCORERS: tuple[Scorer, ...] = (
    Scorer("scrapinghub", "extraction_eval.py",
           ("--dataset", "scrapinghub", "--extractor", f"{EVALUATION}:html_body", "--json"),
           (Target("shingle F1", "f1", 0.960),)),
    Scorer("trafilatura-eval", "extraction_eval.py",
           ("--dataset", "trafilatura-eval", "--extractor", f"{EVALUATION}:html_body", "--json"),
           (Target("snippet F1", "f1", 0.925),)),
    Scorer("scrapinghub-text", "extraction_eval.py",
           ("--dataset", "scrapinghub-text", "--extractor", f"{EVALUATION}:text_body", "--json"),
           (Target("shingle F1", "f1", 0.85),)),
    Scorer("metadata", "metadata_eval.py",
           ("--extractor", f"{EVALUATION}:metadata"),
           (Target("date (day)", "date", 0.97),
            Target("title relaxed", "title_relaxed", 0.90),
            Target("title exact", "title_exact", None),
            Target("authors F1", "authors_f1", None))),
)
SCORER_NAMES = [scorer.name for scorer in SCORERS]


@dataclass
class Outcome:
    """What one scorer run produced: parsed figures, or why there are none."""

    name: str
    command: list[str]
    seconds: float
    returncode: int
    figures: dict[str, float] = field(default_factory=dict)
    error: str = ""


# --------------------------------------------------------------------------------------------
# Running and parsing the scorers
# --------------------------------------------------------------------------------------------

def parse_extraction_output(stdout: str) -> dict[str, float]:
    """The metrics of ``extraction_eval.py --json``: its last line that is a JSON object."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            data = json.loads(line)
            return {key: float(value) for key, value in data.items()
                    if isinstance(value, (int, float)) and not isinstance(value, bool)}
    raise ValueError("no JSON line in the output")


# metadata_eval.py has no --json; its report looks like
#   fundus-testdata metadata (172 pages) - archivegen.importing.evaluation:metadata
#     title exact   0.814   relaxed 0.930
#     date (day)    0.977
#     authors F1    0.771  (120 pages with gold authors)
# Each figure is matched on its own so a reordered or extended report still parses.
_METADATA_PATTERNS = {
    "pages": re.compile(r"\((\d+) pages\)"),
    "title_exact": re.compile(r"^\s*title exact\s+([\d.]+)", re.M),
    "title_relaxed": re.compile(r"^\s*title exact.*?\brelaxed\s+([\d.]+)", re.M),
    "date": re.compile(r"^\s*date \(day\)\s+([\d.]+)", re.M),
    "authors_f1": re.compile(r"^\s*authors F1\s+([\d.]+)", re.M),
}


def parse_metadata_output(stdout: str) -> dict[str, float]:
    figures = {key: float(match.group(1)) for key, pattern in _METADATA_PATTERNS.items()
               if (match := pattern.search(stdout))}
    if "date" not in figures:
        raise ValueError("no 'date (day)' line in the output")
    return figures


def scorer_command(scorer: Scorer, shared: Path, limit: int | None) -> list[str]:
    command = [sys.executable, str(shared / "tools" / scorer.tool), *scorer.arguments,
               "--corpus", str(shared / "corpus")]
    if limit and scorer.is_extraction:
        command += ["--limit", str(limit)]
    return command


def run_scorer(scorer: Scorer, shared: Path, limit: int | None) -> Outcome:
    command = scorer_command(scorer, shared, limit)
    # This checkout first on the path, so the figures are those of the code next to this script
    # even when another archivegen is installed.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    outcome = Outcome(scorer.name, command, time.perf_counter() - started, completed.returncode)
    if completed.returncode != 0:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-5:]
        outcome.error = f"exit status {completed.returncode}: " + " / ".join(tail)
        return outcome
    try:
        parse = parse_extraction_output if scorer.is_extraction else parse_metadata_output
        outcome.figures = parse(completed.stdout)
    except ValueError as exc:
        outcome.error = f"cannot read the scorer's output ({exc}): {completed.stdout.strip()[:300]!r}"
    return outcome


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    dataset: str
    metric: str
    measured: str
    target: str
    verdict: str  # "pass", "FAIL", "-" (no target) or "ERROR"
    value: float | None
    minimum: float | None


def rows_for(scorer: Scorer, outcome: Outcome) -> list[Row]:
    if outcome.error:
        return [Row(scorer.name, target.metric, "-", _target_text(target.minimum), "ERROR", None,
                    target.minimum) for target in scorer.targets if target.minimum is not None]
    figures = outcome.figures
    rows = []
    for target in scorer.targets:
        value = figures.get(target.key)
        if value is None:
            if target.minimum is not None:
                rows.append(Row(scorer.name, target.metric, "missing", _target_text(target.minimum),
                                "ERROR", None, target.minimum))
            continue
        if scorer.is_extraction and target.key == "f1":
            measured = (f"P {figures.get('precision', 0):.3f}  R {figures.get('recall', 0):.3f}  "
                        f"F1 {value:.3f}")
        else:
            measured = f"{value:.3f}"
        # Scorers print three decimals; judge the same rounded figure the reader sees.
        passed = target.minimum is None or round(value, 3) >= target.minimum
        verdict = "-" if target.minimum is None else "pass" if passed else "FAIL"
        rows.append(Row(scorer.name, target.metric, measured, _target_text(target.minimum), verdict,
                        value, target.minimum))
    return rows


def _target_text(minimum: float | None) -> str:
    return f">= {minimum:.3f}" if minimum is not None else ""


def print_table(rows: list[Row]) -> None:
    headers = ("dataset", "metric", "measured", "target", "result")
    cells = [(r.dataset, r.metric, r.measured, r.target, r.verdict) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in cells:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def parse_only(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in SCORER_NAMES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown scorer {', '.join(unknown) or text!r}; "
                                         f"choose from {', '.join(SCORER_NAMES)}")
    return names


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared",
                        help="the shared folder holding tools/ and corpus/ (default: ../shared next to "
                             "the repository)")
    parser.add_argument("--only", type=parse_only, metavar="NAME[,NAME]",
                        help=f"run only these scorers: {', '.join(SCORER_NAMES)}")
    parser.add_argument("--jobs", type=int, default=2,
                        help="scorers run at the same time (default: 2; each uses one core)")
    parser.add_argument("--limit", type=int, metavar="N",
                        help="score only the first N documents of each body dataset (smoke runs; "
                             "the targets are then not meaningful; metadata always scores all pages)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also save the results as JSON")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be positive")
    for tool in ("extraction_eval.py", "metadata_eval.py"):
        if not (args.shared / "tools" / tool).is_file():
            parser.error(f"{args.shared / 'tools' / tool} not found; point --shared at the shared folder")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    shared = args.shared.resolve()
    scorers = [s for s in SCORERS if args.only is None or s.name in args.only]
    outcomes: dict[str, Outcome] = {}
    started = time.perf_counter()
    for scorer in scorers:
        log(f"[{scorer.name}] $ {' '.join(scorer_command(scorer, shared, args.limit))}")
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_scorer, scorer, shared, args.limit) for scorer in scorers]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.name] = outcome
            status = f"error: {outcome.error}" if outcome.error else "done"
            log(f"[{outcome.name}] {status} in {outcome.seconds:.0f} s")

    rows = [row for scorer in scorers for row in rows_for(scorer, outcomes[scorer.name])]
    print(f"\narchivegen extraction quality ({EVALUATION}); scorers from {shared / 'tools'}"
          + (f"; --limit {args.limit}: smoke run, targets not meaningful" if args.limit else ""))
    print()
    print_table(rows)
    notes = []
    for scorer in scorers:
        outcome = outcomes[scorer.name]
        figures = outcome.figures
        if "documents" in figures:
            notes.append(f"{scorer.name}: {figures['documents']:.0f} documents, extractor "
                         f"{figures.get('seconds', 0):.1f} s, {figures.get('errors', 0):.0f} errors")
        elif "pages" in figures:
            notes.append(f"{scorer.name}: {figures['pages']:.0f} pages")
    if notes:
        print("\n" + "\n".join(notes))
    print(f"wall time {time.perf_counter() - started:.0f} s, {args.jobs} scorer(s) at a time")

    failed = [r for r in rows if r.verdict == "FAIL"]
    broken = [r for r in rows if r.verdict == "ERROR"]
    if broken:
        print(f"\n{len(broken)} figure(s) could not be measured: "
              + "; ".join(f"{name}: {outcomes[name].error or 'figure missing'}"
                          for name in dict.fromkeys(r.dataset for r in broken)))
    if failed:
        print(f"\n{len(failed)} target(s) missed: "
              + ", ".join(f"{r.dataset} {r.metric} {r.value:.3f} < {r.minimum:.3f}" for r in failed))
    elif not broken:
        print("\nall targets met")

    if args.json:
        payload = {
            "argv": sys.argv, "shared": str(shared), "limit": args.limit,
            "ok": not failed and not broken,
            "rows": [asdict(r) for r in rows],
            "scorers": [asdict(outcomes[s.name]) for s in scorers],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        log(f"results saved to {args.json}")
    if broken:
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
