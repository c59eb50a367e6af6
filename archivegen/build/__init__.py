"""``archivegen build``: a flat sequence of named, timed steps (Zola's ``Site::build``).

    load config -> check outputs -> read content -> build site model -> plan
    -> render pages -> copy static files -> index search -> commit

Every build is incremental against the build state of its output folder
(``.archivegen/state.sqlite`` for the configured output, see ``state/location.py``): only new or
changed content files are parsed, only bodies missing from the Markdown cache are rendered, and
only pages whose input key changed are rendered (``render/inputs.py``), of which only those
whose bytes changed are written. The result is byte-identical to a clean build.

Nothing touches the output before the commit step. A *full* build (no usable state, a new
output folder) renders everything into a staging folder that replaces the output in one
rename; an *incremental* build stages its changed files in a pending folder and moves them in
through a journal (``output/journal.py``). Either way a failed or interrupted build leaves the
previous site byte-identical and the state consistent.

The package's modules import one way, each only from those above it:

* ``report``: what a build is asked (``BuildOptions``) and what it did (``BuildReport``);
* ``steps``: named, timed steps told to a watcher (the CLI's progress display);
* ``freshness``: every rule and version constant deciding what is stale;
* ``status``: what a build leaves for later commands (its outcome, its warnings);
* ``plan``: which pages to render and which static files to copy;
* ``commit``: the one interface over the folder swap and the journal;
* ``searching``: the search index's part of the output change;
* ``run``: the step sequence.
"""

from __future__ import annotations

import time

from archivegen.build.report import BuildOptions, BuildReport, BuildWatcher
from archivegen.build.steps import Steps
from archivegen.config import load_config
from archivegen.errors import BuildInterrupted
from archivegen.output.lock import BuildLock
from archivegen.output.safety import check_output_dir
from archivegen.state.location import project_state_dir, state_dir_for

__all__ = ["BuildOptions", "BuildReport", "BuildWatcher", "build"]


def build(options: BuildOptions, watcher: BuildWatcher | None = None) -> BuildReport:
    """Build the site; raise an ArchivegenError (leaving the old output intact) on failure."""
    from archivegen.build.run import run_build
    from archivegen.build.status import record_status

    started = time.perf_counter()
    config = load_config(options.config_path)
    output = (options.output_dir.resolve() if options.output_dir else config.output_dir)
    report = BuildReport(output_dir=output)
    steps = Steps(report, watcher)
    steps.record("load config", time.perf_counter() - started)
    check_output_dir(config, output, from_command_line=options.output_dir is not None)

    state_dir = state_dir_for(config, output, options.drafts)
    with BuildLock(project_state_dir(config)):
        try:
            run_build(config, options, output, state_dir, steps, report)
        except BaseException as exc:
            record_status(state_dir, output, ok=False, error=str(exc).splitlines()[:1],
                          interrupted=isinstance(exc, KeyboardInterrupt | BuildInterrupted))
            raise
        record_status(state_dir, output, ok=True, report=report, seconds=time.perf_counter() - started)
    return report
