"""The render stage on other executors: a thread pool, a spawn process pool, a Dask cluster.

Each must give the same bytes as the default forked workers. The Dask tests start a real
two-process ``distributed.LocalCluster`` and run ``archivegen build --dask`` against it (the
search step indexes its shards there too, and must give the index a local build gives); a
missing ``distributed``, a scheduler nobody listens at or one without workers must each fail
with one clean line instead of a traceback or a hang.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import re
import socket
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archivegen.build import BuildOptions, build
from archivegen.cli import main
from archivegen.errors import ArchivegenError, ExecutorError
from tests.conftest import pages_bytes
from tests.projects import make_archive
from tests.search_support import manifest, searchable

HAS_DISTRIBUTED = importlib.util.find_spec("distributed") is not None

CONFIG = ("title: Executor test\nbase_url: https://example.org/archive/\ntimezone: UTC\nlanguage: en\n"
          "per_page: 3\nfeed_items: 4\n")
TAGS = ["Harbour", "Rail", "Council", "Weather"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """15 articles over three years, tagged so that tag pages have several listing pages."""
    files: dict[str, str | bytes] = {}
    for year in (2019, 2020, 2021):
        for n in range(5):
            tags = ", ".join(TAGS[(n + k) % len(TAGS)] for k in range(1 + n % 2))
            files[f"content/{year}-{n}.md"] = (
                f"---\ntitle: Story {n} of {year}\ndate: {year}-{n + 1:02}-10T10:00:00Z\ntags: [{tags}]\n"
                "---\n\n"
                f"The council discussed item {year}{n} at length. *Ferries* and trains were mentioned.\n\n"
                f"Second paragraph of story {n}, with a [link](https://example.org/{year}/{n}).\n")
    return make_archive(tmp_path, files, CONFIG).root / "site_config.yaml"


def full_build(config: Path, output: Path, **options: object) -> dict[str, bytes]:
    build(BuildOptions(config_path=config, output_dir=output, full=True, **options))  # type: ignore[arg-type]
    return pages_bytes(output)


def test_thread_and_spawn_process_pools_match_local_workers(project: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("archivegen.render.stage.CHUNK_SIZE", 4)  # several chunks in flight
    local = full_build(project, tmp_path / "local", workers=2)
    assert len(local) > 40 and any(name.endswith("index.html") for name in local)
    with ThreadPoolExecutor(max_workers=2) as pool:
        threads = full_build(project, tmp_path / "threads", workers=2, executor=pool)
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        spawned = full_build(project, tmp_path / "spawned", workers=2, executor=pool)
    assert threads == local
    assert spawned == local


needs_distributed = pytest.mark.skipif(not HAS_DISTRIBUTED,
                                       reason="distributed is not installed (pip install 'archivegen[dask]')")


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, Any]]:
    """A real two-process Dask cluster on this machine: (scheduler address, a client of it)."""
    from distributed import Client, LocalCluster

    # dashboard_address ":0": the scheduler's HTTP server on a free port, not on a busy 8787
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as local, Client(local, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=30)
        yield local.scheduler_address, client


def cli_build(config: Path, output: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["build", "--config", str(config), "--output", str(output), *args])


@needs_distributed
def test_dask_cluster_build_matches_local_and_uses_both_workers(project: Path, tmp_path: Path, cluster,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import get_task_stream

    address, client = cluster
    monkeypatch.setattr("archivegen.render.stage.CHUNK_SIZE", 2)  # many chunks: both workers get some
    local = full_build(project, tmp_path / "local", workers=2)
    with get_task_stream(client) as stream:  # the scheduler's record of every task run, any client's
        result = cli_build(project, tmp_path / "dask", "--full", "--dask", address)
    assert result.exit_code == 0, result.output
    assert ": 15 articles, " in result.output.splitlines()[0]
    assert pages_bytes(tmp_path / "dask") == local
    per_worker = Counter(task["worker"] for task in stream.data if "render_chunk" in str(task["key"]))
    assert sorted(per_worker) == sorted(client.scheduler_info()["workers"]), per_worker
    assert sum(per_worker.values()) >= len([name for name in local if name.endswith(".html")]) // 2


@needs_distributed
def test_dask_cluster_indexes_search_shards_like_a_local_build(project: Path, tmp_path: Path, cluster,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Records go out to the workers, bundle files come back: the same shards (and, after an
    edit, the same delta) as a local build, and Pagefind never runs in the build's process."""
    from distributed import get_task_stream

    address, client = cluster
    project.write_text(project.read_text() + "search:\n  shard_articles: 4\n  delta_articles: 3\n")
    local, dask = tmp_path / "local", tmp_path / "dask"
    full_build(project, local, workers=2)

    def no_local_pagefind(*args: object) -> None:
        raise AssertionError("Pagefind ran in the build's own process, not on a Dask worker")

    # The workers are other processes: this patch reaches only the build's own indexing.
    monkeypatch.setattr("archivegen.search.pagefind.index_records", no_local_pagefind)
    with get_task_stream(client) as stream:
        result = cli_build(project, dask, "--full", "--dask", address)
    assert result.exit_code == 0, result.output
    shards = [(s["articles"], s["years"]) for s in manifest(dask)["shards"]]
    assert shards == [(4, [2019]), (4, [2019, 2020]), (4, [2020, 2021]), (3, [2021])]
    assert manifest(dask) == manifest(local)  # the same bundles, ids, counts
    assert searchable(dask) == searchable(local)
    workers = set(client.scheduler_info()["workers"])
    indexed = [task["worker"] for task in stream.data if "index_to_files" in str(task["key"])]
    assert len(indexed) == len(shards) and set(indexed) <= workers, indexed

    (project.parent / "content" / "2020-2.md").write_text(
        "---\ntitle: Story 2 of 2020, corrected\ndate: 2020-03-10T10:00:00Z\ntags: [Rail]\n---\n\n"
        "The council withdrew item 20202. Buses replaced the ferries.\n", encoding="utf-8")
    with get_task_stream(client) as stream:
        result = cli_build(project, dask, "--dask", address)
    assert result.exit_code == 0, result.output
    indexed = [task["worker"] for task in stream.data if "index_to_files" in str(task["key"])]
    assert len(indexed) == 1 and set(indexed) <= workers, indexed  # the delta alone
    monkeypatch.undo()
    build(BuildOptions(config_path=project, output_dir=local, workers=2))
    index = manifest(dask)
    assert index["delta"]["articles"] == 1 and len(index["superseded"]) == 1
    assert index == manifest(local)
    assert searchable(dask) == searchable(local)


@needs_distributed
def test_dask_template_error_on_a_worker_is_one_clean_line(project: Path, tmp_path: Path, cluster) -> None:
    address, _client = cluster
    output = tmp_path / "site"
    assert cli_build(project, output, "--dask", address).exit_code == 0
    before = pages_bytes(output)
    (project.parent / "templates").mkdir()
    (project.parent / "templates" / "article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n{{ 1 / 0 }}\n'
        "{% endblock %}\n", encoding="utf-8")
    result = cli_build(project, output, "--dask", address)
    assert result.exit_code == 1
    [line] = result.output.splitlines()  # whichever page a worker failed on first, named
    assert re.fullmatch(r"templates/article\.html:4: template error: ZeroDivisionError: division by zero "
                        r"\(page /(\d{4})/\d\d/(\1-\d)/ of content/\2\.md\)", line), line
    assert pages_bytes(output) == before


@needs_distributed
def test_dask_workers_of_another_archivegen_are_refused(project: Path, tmp_path: Path, cluster,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    address, _client = cluster
    monkeypatch.setattr("archivegen.__version__", "0.0.0-other")  # this side only; workers run the real one
    with pytest.raises(ExecutorError) as raised:
        build(BuildOptions(config_path=project, output_dir=tmp_path / "site", dask=address))
    (line,) = raised.value.lines()
    assert line.startswith(f"--dask {address}: 2 of 2 Dask workers run another archivegen"), line
    assert not (tmp_path / "site").exists()


def test_dask_without_distributed_is_a_clean_error(project: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(ExecutorError) as raised:
        build(BuildOptions(config_path=project, output_dir=tmp_path / "site", dask="tcp://127.0.0.1:8786"))
    (line,) = raised.value.lines()
    assert "archivegen[dask]" in line
    assert not (tmp_path / "site").exists()  # nothing reached the output


@needs_distributed
def test_unreachable_scheduler_fails_cleanly_without_hanging(project: Path, tmp_path: Path) -> None:
    import dask

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    started = time.perf_counter()
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), \
            pytest.raises(ArchivegenError) as raised:
        build(BuildOptions(config_path=project, output_dir=tmp_path / "site", dask=address))
    assert time.perf_counter() - started < 20
    (line,) = raised.value.lines()
    assert address in line
    assert not (tmp_path / "site").exists()


@needs_distributed
def test_scheduler_without_workers_fails_cleanly_without_hanging(project: Path, tmp_path: Path) -> None:
    import dask
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=True, host="127.0.0.1", dashboard_address=":0") as empty, \
            dask.config.set({"distributed.comm.timeouts.connect": "1s"}), \
            pytest.raises(ExecutorError) as raised:
        build(BuildOptions(config_path=project, output_dir=tmp_path / "site", dask=empty.scheduler_address))
    assert raised.value.lines() == [f"--dask {empty.scheduler_address}: no Dask worker joined the scheduler "
                                    "within 1 s"]
    assert not (tmp_path / "site").exists()


def test_a_pickled_renderer_brings_the_project_templates_along(project: Path) -> None:
    """A remote worker has no templates/ folder: it must not fall back to the packaged theme."""
    import pickle
    import shutil

    from archivegen.config import load_config
    from archivegen.content.reader import read_articles
    from archivegen.families import FAMILIES, build_site
    from archivegen.render.pages import PageRenderer
    from archivegen.render.theme import THEME_TEMPLATES

    templates = project.parent / "templates"
    templates.mkdir()
    (templates / "article.html").write_text((THEME_TEMPLATES / "article.html").read_text().replace(
        '<article class="article">', '<article class="article remote-override">'))
    config = load_config(project)
    site = build_site(config, read_articles(config.content_dir, config.tzinfo, config.project_dir).articles)
    shipped = pickle.dumps(PageRenderer(config, site, FAMILIES, [""] * len(site.entries)))
    shutil.rmtree(templates)  # as on another machine
    renderer = pickle.loads(shipped)
    page = next(page for page in site.pages if page.kind == "article")
    rendered = renderer.render(page, "<p>Body.</p>")
    assert b"remote-override" in rendered.data and "article.html" in rendered.templates
