"""The render stage: the pages a build must render, rendered on every core (or any executor).

Pages go out in chunks of indexes into ``site.pages``. Each comes back with the hash of its
bytes and the dependencies recorded while rendering it; a page whose bytes equal what the
output already holds is not written. A page renders to the same bytes in any process, so the
output does not depend on the executor or the number of workers.

Executors:

* the default forks worker processes that inherit the site model (no pickling of the model)
  and write their files themselves;
* any ``concurrent.futures.Executor`` (``render_pages(..., executor=pool)``) gets the
  renderer pickled with each chunk and sends the bytes back for this process to write;
* a Dask cluster (``archivegen build --dask tcp://scheduler:8786``) gets the renderer once per
  worker (``scatter``) and chunks carry the article HTML, since remote machines see neither
  the content folder nor the build state.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

from archivegen import interrupt
from archivegen.errors import ExecutorError, Problem
from archivegen.output.digests import data_digest
from archivegen.output.staging import FileWriter
from archivegen.parallel import Progress, fork_imap, inherited
from archivegen.render.pages import PageRenderer

CHUNK_SIZE = 200
WINDOW_PER_WORKER = 3  # chunks in flight per worker for remote executors (bounds memory)

# One page to render: (page index, hash of the bytes the output holds now or "", body HTML or None)
WorkItem = tuple[int, str, str | None]


@dataclass(frozen=True)
class PageResult:
    index: int
    digest: str  # hash of the page's bytes
    templates: str  # templates loaded, sorted, '\n'-separated
    counts: str  # counts read: tag slugs and recorder's reserved names, sorted, '\n'-separated
    written: bool  # False: the bytes equal the output's, nothing was written
    size: int = 0
    data: bytes | None = None  # for the caller to write (remote executors)


def render_chunk(renderer: PageRenderer, items: Sequence[WorkItem], writer: FileWriter | None
                 ) -> list[PageResult]:
    """Render pages; hand changed ones to ``writer``, or return their bytes when it is None."""
    results = []
    for index, old_digest, html in items:
        interrupt.check()
        page = renderer.site.pages[index]
        rendered = renderer.render(page, html)
        digest = data_digest(rendered.data)
        changed = digest != old_digest
        data = None
        if changed and writer is not None:
            writer.write(page.output, rendered.data)
        elif changed:
            data = rendered.data
        results.append(PageResult(index, digest, "\n".join(sorted(rendered.templates)),
                                  "\n".join(sorted(rendered.counts)), changed, len(rendered.data), data))
    return results


def _render_inherited(items: Sequence[WorkItem]) -> list[PageResult]:
    return render_chunk(inherited("renderer"), items, inherited("writer"))


def render_pages(renderer: PageRenderer, jobs: Sequence[tuple[int, str]], writer: FileWriter, workers: int,
                 executor: Executor | DaskCluster | None = None, on_done: Progress | None = None
                 ) -> list[PageResult]:
    """Render ``jobs`` (page index, current output hash); ``writer`` (the output layer's) writes
    the pages whose bytes changed. Results come in job order.

    Forked workers inherit the writer and write themselves, so pages never travel between
    processes; remote executors send the bytes back for this process to write.
    ``on_done`` is told how many more pages are done after each chunk.
    """
    if executor is None:
        items: list[WorkItem] = [(index, digest, None) for index, digest in jobs]
        chunks = fork_imap(_render_inherited, items, workers, {"renderer": renderer, "writer": writer},
                           chunk_size=CHUNK_SIZE, on_done=on_done)
        return [result for chunk in chunks for result in chunk]
    results = []
    for chunk in _remote_chunks(renderer, jobs, executor, workers):
        if on_done:
            on_done(len(chunk))
        for result in chunk:
            if result.data is not None:
                writer.write(renderer.site.pages[result.index].output, result.data)
            results.append(PageResult(result.index, result.digest, result.templates, result.counts,
                                      result.written, result.size))
    return results


def _remote_chunks(renderer: PageRenderer, jobs: Sequence[tuple[int, str]],
                   executor: Executor | DaskCluster, workers: int) -> Iterator[list[PageResult]]:
    """Submit chunks (with their article HTML) a few at a time; yield results in order."""
    submit: Callable[[list[WorkItem]], Future[list[PageResult]]]
    if isinstance(executor, DaskCluster):
        submit = executor.submitter(renderer)
        window = WINDOW_PER_WORKER * max(1, executor.workers())
    else:
        def submit(items: list[WorkItem]) -> Future[list[PageResult]]:
            return executor.submit(render_chunk, renderer, items, None)
        window = WINDOW_PER_WORKER * max(1, workers)
    pages = renderer.site.pages
    in_flight: deque[Future[list[PageResult]]] = deque()
    for start in range(0, len(jobs), CHUNK_SIZE):
        interrupt.check()
        items = [(index, digest, renderer.body_html(pages[index]) if pages[index].kind == "article"
                  else None) for index, digest in jobs[start: start + CHUNK_SIZE]]
        in_flight.append(submit(items))
        while len(in_flight) >= window:
            yield in_flight.popleft().result()
    while in_flight:
        yield in_flight.popleft().result()


class DaskCluster:
    """Render on a Dask distributed cluster (``pip install 'archivegen[dask]'``).

    Connecting, and waiting for the first worker of a scheduler that has none yet, give up
    after ``timeout`` seconds (default: Dask's ``distributed.comm.timeouts.connect``, 30 s)
    with an ExecutorError naming the address, rather than hanging.
    """

    def __init__(self, address: str, timeout: float | None = None) -> None:
        try:
            import dask
            from dask.utils import parse_timedelta
            from distributed import Client
        except ImportError:
            raise ExecutorError([Problem("--dask", "dask.distributed is not installed "
                                                "(pip install 'archivegen[dask]')")]) from None
        if timeout is None:
            timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")
        self.address, self.timeout = address, timeout
        try:
            self._check_address(address)  # a Client refused its address stays half-open until exit
            self.client: Any = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, ValueError, ImportError) as exc:  # refused, timed out, unknown host or scheme
            raise self._error(f"cannot connect to the Dask scheduler: {self._first_line(exc)}") from None
        try:
            if not self.workers():
                self.client.wait_for_workers(1, timeout=timeout)
            self._check_versions()
        except (OSError, TimeoutError, ExecutorError) as exc:
            self.client.close()
            if isinstance(exc, ExecutorError):
                raise
            raise self._error(f"no Dask worker joined the scheduler within {timeout:g} s"
                              if isinstance(exc, TimeoutError) else
                              f"lost the Dask scheduler: {self._first_line(exc)}") from None

    @staticmethod
    def _check_address(address: str) -> None:
        """Raise ValueError for an address of an unknown scheme, or without a port."""
        from distributed.comm.addressing import get_address_host_port, parse_address
        from distributed.comm.registry import get_backend

        scheme, _ = parse_address(address)
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            get_address_host_port(address)

    def _check_versions(self) -> None:
        """Workers must run this archivegen (its theme and renderer), or pages would differ."""
        from archivegen import __version__

        def worker_version() -> str:  # nested: pickled by value, runs where archivegen may be missing
            try:
                import archivegen
            except ImportError:
                return "none"
            return str(archivegen.__version__)

        versions = self.client.run(worker_version)
        wrong = {worker: version for worker, version in sorted(versions.items()) if version != __version__}
        if wrong:
            worker, version = next(iter(wrong.items()))
            raise self._error(f"{len(wrong)} of {len(versions)} Dask workers run another archivegen "
                              f"(e.g. {worker}: {version}; this build: {__version__})")

    def _error(self, message: str) -> ExecutorError:
        return ExecutorError([Problem(f"--dask {self.address}", message)])

    def workers(self) -> int:
        return len(self.client.scheduler_info().get("workers", {}))

    def submitter(self, renderer: PageRenderer) -> Callable[[list[WorkItem]], Future[list[PageResult]]]:
        # hash=False: a random key, instead of tokenizing (pickling) the whole site model again
        shared = self.client.scatter(renderer, broadcast=True, hash=False)

        def submit(items: list[WorkItem]) -> Any:
            return self.client.submit(render_chunk, shared, items, None, pure=False)
        return submit

    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` on a worker (the search step indexes shards this way)."""
        return self.client.submit(function, *args, pure=False)

    def close(self) -> None:
        self.client.close()

    @staticmethod
    def _first_line(exc: BaseException) -> str:
        text = str(exc).strip()
        return text.splitlines()[0] if text else type(exc).__name__
