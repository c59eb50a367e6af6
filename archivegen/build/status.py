"""What a build leaves for the commands after it: whether it succeeded (``last-build.json``,
which deploy reads before publishing) and the warnings a build with nothing to do repeats."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from archivegen import __version__
from archivegen.build.report import BuildReport
from archivegen.errors import Problem
from archivegen.state.store import BuildState

STATUS_FILE = "last-build.json"


def record_status(state_dir: Path, output: Path, ok: bool, **details: object) -> None:
    """Remember whether the last build succeeded (deploy refuses to publish a failed one, and
    says so differently for one stopped by Ctrl-C or a signal: there is nothing to fix)."""
    report = details.pop("report", None)
    status = {"ok": ok, "output": str(output), "archivegen": __version__, **details}
    if isinstance(report, BuildReport):
        status.update(articles=report.articles, files=report.files)
    state_dir.mkdir(parents=True, exist_ok=True)
    temporary = state_dir / f"{STATUS_FILE}.tmp"
    temporary.write_text(json.dumps(status, indent=1, default=str), encoding="utf-8")
    temporary.replace(state_dir / STATUS_FILE)


def remember_warnings(state: BuildState, warnings: list[Problem]) -> None:
    state.set_meta("warnings", pickle.dumps(warnings).hex())


def remembered_warnings(state: BuildState) -> list[Problem]:
    raw = state.meta("warnings")
    return pickle.loads(bytes.fromhex(raw)) if raw else []
