"""Command line: the only module that knows about terminals, signals and exit codes.

Library code raises ArchivegenError subclasses carrying located problems; here they become one
line each on stderr and exit status 1 (2 for usage errors, as click does). ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from archivegen import __version__, interrupt
from archivegen.errors import ArchivegenError

if TYPE_CHECKING:
    from archivegen.build import BuildReport
    from archivegen.search.report import SearchReport


CONFIG_NAME = "site_config.yaml"


def config_option(more_help: str = "") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--config``, found like git finds its repository when not given: in the current folder
    or the nearest one above, so commands work from anywhere inside the project."""
    return click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
                        callback=_find_config, metavar="PATH",
                        help=f"The archive's configuration file (default: {CONFIG_NAME} in this folder "
                             f"or the nearest folder above).{more_help}")


def _find_config(context: click.Context, parameter: click.Parameter, given: Path | None) -> Path:
    if given is not None:
        return given
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return Path(os.path.relpath(folder / CONFIG_NAME, here))
    return Path(CONFIG_NAME)  # not found: loading it says so, naming the file


def _run(action: Callable[[], Any], debug: bool) -> Any:
    interrupt.clear()
    previous = {signum: signal.signal(signum, interrupt.request)
                for signum in (signal.SIGTERM, signal.SIGINT)
                if signal.getsignal(signum) is not signal.SIG_IGN}  # nohup'ed or backgrounded
    try:
        return action()
    except ArchivegenError as exc:
        if debug:
            traceback.print_exc()
        for line in exc.lines():
            click.echo(line, err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("archivegen: interrupted; the previous output is unchanged", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: still one line unless --debug
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"archivegen: internal error: {type(exc).__name__}: {exc} "
                       "(run with --debug for the traceback)", err=True)
        sys.exit(1)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archivegen")
def main() -> None:
    """archivegen: a static archive site generator for news articles.

    Start with 'archivegen init DIR', put articles in DIR/content/, then run
    'archivegen build' inside DIR.
    """


@main.command()
@config_option()
@click.option("--output", "output_dir", type=click.Path(path_type=Path), default=None,
              help="Write the site here instead of the configured output_dir (each output folder "
                   "keeps its own build state).")
@click.option("--drafts", is_flag=True, help="Include articles marked 'draft: true'.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Render processes (0: one per CPU core).")
@click.option("--full", is_flag=True, help="Ignore the build state and render every page.")
@click.option("--dask", "dask_address", metavar="ADDRESS", default="",
              help="Render on a Dask cluster, e.g. tcp://scheduler:8786 (needs archivegen[dask]).")
@click.option("-v", "--verbose", is_flag=True, help="Print each step's timing and all warnings.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def build(config_path: Path, output_dir: Path | None, drafts: bool, workers: int, full: bool,
          dask_address: str, verbose: bool, debug: bool) -> None:
    """Render content/ into a static site (default: site/), rebuilding only what changed.

    The build state in .archivegen/ records, per output folder, what every output was made
    from and where every article was published (a moved URL is reported), so a rebuild
    renders only pages whose inputs changed and writes only files whose bytes changed; the
    result is the same as a clean build. Changes reach the site only when every step
    succeeded, so a failed build leaves the previous site exactly as it was.
    """
    from archivegen.build import BuildOptions
    from archivegen.build import build as run_build
    from archivegen.progress import BuildDisplay

    options = BuildOptions(config_path=config_path, output_dir=output_dir, drafts=drafts,
                           workers=workers, full=full, dask=dask_address)
    with BuildDisplay() as display:
        report = _run(lambda: run_build(options, display), debug)
    shown_warnings = report.warnings if verbose else report.warnings[:20]
    for warning in shown_warnings:
        click.echo(f"warning: {warning}", err=True)
    if len(report.warnings) > len(shown_warnings):
        click.echo(f"warning: ... and {len(report.warnings) - len(shown_warnings)} more "
                   "(use --verbose to see all)", err=True)
    for line in build_summary(report, verbose):
        click.echo(line)


def build_summary(report: BuildReport, verbose: bool = False) -> list[str]:
    """What a build did, in words that cannot be misread: what was checked, what was rendered
    and written, and what the output folder holds now (not just what this build wrote)."""
    where = _shown(report.output_dir)
    known = f"{_count(report.articles, 'article')}, {_count(report.tags, 'tag')}"
    if report.up_to_date or (not report.full and not (report.sources_changed or report.rendered
                                                        or report.deleted or report.strays
                                                        or report.search.indexed)):
        first = (f"Built {where} in {report.seconds:.2f} s: nothing changed ({known} checked); "
                 f"0 of {_count(report.pages, 'page')} rendered")
    elif report.full:
        first = (f"Built {where} in {report.seconds:.2f} s: {known}; "
                 f"{_count(report.rendered, 'page')} rendered")
    else:
        first = (f"Built {where} in {report.seconds:.2f} s: {_count(report.articles, 'article')} "
                 f"({report.sources_changed} changed), {_count(report.tags, 'tag')}; "
                 f"{report.rendered} of {_count(report.pages, 'page')} rendered, "
                 f"{_count(report.files, 'file')} written, {report.deleted} removed")
    lines = [first]
    if report.restored:
        lines.append(f"  restored {_count(report.restored, 'output')} deleted or changed since the "
                     "build that wrote them")
    if report.strays:
        more = len(report.strays) - 3
        shown = ", ".join(report.strays[:3]) + (f" and {more} more" if more > 0 else "")
        folders = sum(1 for stray in report.strays if stray.endswith("/"))
        what = " and ".join(_count(n, noun) for n, noun in ((len(report.strays) - folders, "file"),
                                                            (folders, "folder")) if n)
        lines.append(f"  removed {what} no build wrote ({shown}): {where} holds only what the build "
                     "makes; files to publish go in static/")
    if report.output_files is not None:
        lines.append(f"  {where} holds {_count(report.output_files, 'file')} ({_size(report.output_bytes)})")
    if verbose:
        lines += [f"  {name:<20} {seconds * 1000:8.0f} ms" for name, seconds in report.steps]
    else:
        lines.append("  " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in report.steps))
    if line := search_summary(report.search):
        lines.append(f"  {line}")
    return lines


def search_summary(search: SearchReport) -> str:
    """'search: 5 shards and a delta of 1 article (1 superseded); indexed 1 bundle (1 article)'."""
    if search.pending:
        return "search: left out of date (the next build indexes it)"
    if not search.shards:
        return ""
    line = (f"search: {_count(search.shards, 'shard')}"
            + (f" and a delta of {_count(search.delta, 'article')}" if search.delta else "")
            + (f" ({search.superseded:,} superseded)" if search.superseded else ""))
    if search.compacted:
        line += f"; compacted {_count(search.compacted, 'shard')}"
    if search.indexed:
        line += (f"; indexed {_count(len(search.indexed), 'bundle')} "
                 f"({_count(search.indexed_articles, 'article')})")
    return line


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 104_858 else f"{size / 1024:.0f} KB"


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def init(directory: Path, debug: bool) -> None:
    """Create a new archive in DIRECTORY (which must be empty or not exist yet)."""
    from archivegen.scaffold import create_archive

    created = _run(lambda: create_archive(directory), debug)
    click.echo(f"Created an archive in {directory} ({len(created)} files).")
    click.echo(f"Next: cd {directory} && archivegen build")


@main.command()
@config_option()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port, printed at start).")
@click.option("--bind", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback is reachable by others (warned).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the default browser.")
@click.option("--drafts", is_flag=True,
              help="Include drafts (built into .archivegen/, never into the output folder).")
@click.option("--poll", is_flag=True,
              help="Watch by polling (network mounts, containers where inotify is silent).")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Render processes (0: one per CPU core).")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def serve(config_path: Path, port: int, bind: str, open_browser: bool, drafts: bool, poll: bool,
          workers: int, debug: bool) -> None:
    """Preview the archive: build, serve, rebuild what changed and reload the browser.

    Serves the built site under base_url's path at http://127.0.0.1:PORT/, watches content/,
    templates/, static/ and the config, rebuilds incrementally after each burst of changes
    and reloads the open pages that changed. A failing build keeps the server up and shows its
    error over the last good page.
    """
    from archivegen.serve.session import ServeOptions
    from archivegen.serve.session import serve as run_serve

    options = ServeOptions(config_path=config_path, bind=bind, port=port, open_browser=open_browser,
                           drafts=drafts, poll=poll, workers=workers)

    def echo(line: str, err: bool = False) -> None:
        click.echo(line, err=err)

    try:
        run_serve(options, echo)
    except ArchivegenError as exc:
        if debug:
            traceback.print_exc()
        for line in exc.lines():
            click.echo(line, err=True)
        sys.exit(1)
    except OSError as exc:  # the output or a watched folder became unreadable
        if debug:
            traceback.print_exc()
        click.echo(f"archivegen: {exc.filename or 'serve'}: {exc.strerror or exc}", err=True)
        sys.exit(1)


@main.command(name="import")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option(" It gives content_dir, the tag rules and the import settings.")
@click.option("-n", "--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--update", is_flag=True,
              help="Rewrite articles imported before whose new import differs (re-tagged, re-extracted), "
                   "unless their file was edited by hand since.")
@click.option("--overwrite-edits", is_flag=True,
              help="With --update, also rewrite articles whose file was edited by hand since the import.")
@click.option("--default-date", type=str, default=None, metavar="DATE",
              help="Date for articles whose source gives none (ISO 8601, e.g. 2020-03-05).")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="Extraction processes (0: one per CPU core).")
@click.option("--all-captures", is_flag=True,
              help="Web archives: import every capture of a URL (each file named with its capture "
                   "time), not only the newest.")
@click.option("-v", "--verbose", is_flag=True, help="List every article, not only problems and renames.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def import_command(inputs: tuple[Path, ...], config_path: Path, dry_run: bool, update: bool,
                   overwrite_edits: bool, default_date: str | None, workers: int, all_captures: bool,
                   verbose: bool, debug: bool) -> None:
    """Clean scraped articles (text dumps, saved HTML, JSON/JSONL, web archives) into content/ as Markdown.

    INPUTS are files or folders (walked for .txt, .html, .json, .jsonl, also gzipped, and .warc,
    .warc.gz, .wacz web archives, whose HTML captures are read as saved pages, the newest of each
    URL). Other kinds are refused by name (a Markdown file is content already) and counted in
    folders. An article imported before (the same words, or the same headline and source) is
    reported unchanged and its file left alone; a different article with the same headline or
    source gets a new, deterministic file name, as does one whose URL another article uses.
    Exits 1 when an input had a problem or the inputs held no article.

    What is overwritten: nothing, without --update. With --update, only files an earlier import
    wrote for the same article, and only while they are still exactly what it wrote (their
    import_hash says so). A file edited by hand since, in its front matter (title, tags,
    summary) or its body, is kept and listed as "edited by hand, kept"; --overwrite-edits
    replaces it too. Other files, a different article's file and hand-written articles are
    never overwritten.
    """
    from archivegen.importing.progress import ImportReporter
    from archivegen.importing.run import ImportOptions, run_import
    from archivegen.text.dates import parse_loose_date

    fallback = None
    if default_date is not None:
        fallback = parse_loose_date(default_date)
        if fallback is None:
            raise click.BadParameter(f"not a date: {default_date!r}", param_hint="--default-date")
    options = ImportOptions(config_path=config_path, inputs=inputs, dry_run=dry_run, update=update,
                            overwrite_edits=overwrite_edits, default_date=fallback, workers=workers,
                            all_captures=all_captures)
    with ImportReporter(verbose=verbose, dry_run=dry_run) as reporter:
        summary = _run(lambda: run_import(options, reporter.event, reporter.progress), debug)
    reporter.finish(summary)
    if not summary.ok:
        sys.exit(1)


def _shown(path: Path) -> str:
    """A folder as the user would type it from here: relative inside the project, else absolute."""
    here = Path.cwd()
    if path.is_relative_to(here) or here.is_relative_to(path.parent):
        return os.path.relpath(path, here) + "/"
    return str(path) + "/"


@main.group()
def deploy() -> None:
    """Publish the last successful build: to a gh-pages branch, or to a folder.

    A deploy refuses when there is no build yet, the last build failed or was interrupted, the
    site is empty, site/ no longer matches what the build wrote (files deleted or edited since),
    or it would delete more than --max-deletes files. --dry-run lists what would be added,
    changed and deleted, and changes nothing. Defaults come from the 'deploy:' section of
    site_config.yaml (remote, branch, cname, message, target, max_deletes).
    """


def _deploy_options(force_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options both deploy targets share."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option("--max-deletes", type=click.IntRange(min=0), default=None, metavar="N",
                     help="Refuse a deploy that deletes more than N files "
                          "(default: deploy.max_deletes, 256)."),
        click.option("--force", is_flag=True, help=force_help),
        click.option("-n", "--dry-run", is_flag=True,
                     help="List what would be added, changed and deleted; change nothing."),
        config_option(),
        click.option("--debug", is_flag=True, help="Show tracebacks for errors."),
    ]
    return lambda command: functools.reduce(lambda cmd, option: option(cmd), reversed(options), command)


@deploy.command("gh-pages")
@click.option("--remote", default=None, help="git remote to push to (default: deploy.remote, origin).")
@click.option("--branch", default=None, help="Branch to publish as (default: deploy.branch, gh-pages).")
@click.option("--message", default=None,
              help="Commit message (default: 'Deploy <source commit> with archivegen <version>'); "
                   "the source commit and version are always appended.")
@_deploy_options("Deploy even past --max-deletes, and replace a remote branch that has commits "
                 "this deploy does not build on (a force push).")
def deploy_gh_pages(remote: str | None, branch: str | None, message: str | None,
                    max_deletes: int | None, force: bool, dry_run: bool, config_path: Path,
                    debug: bool) -> None:
    """Commit site/ as the whole tree of BRANCH and push it to REMOTE.

    Only git plumbing is used: your working tree, index, current branch and stash are never
    touched. .nojekyll is added and CNAME is written from deploy.cname or kept from the previous
    deploy. A rejected (non-fast-forward) push is an error; it is never forced without --force.
    The commit message names the source commit, with '+dirty' if the work tree had changes.
    """
    from archivegen.config import load_config
    from archivegen.deploy import GhPagesOptions
    from archivegen.deploy import deploy_gh_pages as run_deploy

    options = GhPagesOptions(remote=remote, branch=branch, message=message,
                             max_deletes=max_deletes, force=force, dry_run=dry_run)
    result = _run(lambda: run_deploy(load_config(config_path), options), debug)
    where = f"{result.remote}/{result.branch}"
    if result.dry_run:
        _dry_run(where, result.added, result.changed, result.deleted,
                 "nothing was committed or pushed")
        return
    if not result.new_commit:
        click.echo(f"nothing changed: no new commit ({where} is {result.commit[:12]}, built from "
                   f"{result.source}; remote: {result.push})")
        return
    click.echo(f"Committed {result.commit[:12]} to {result.branch} in {result.repository}, built "
               f"from {result.source}: {_counts(result.added, result.changed, result.deleted)}")
    click.echo(f"Pushed to {result.remote} ({result.remote_url}): {result.push}")


@deploy.command("dir")
@click.argument("target", type=click.Path(path_type=Path), required=False)
@click.option("--take-over", is_flag=True,
              help="Replace TARGET even if no earlier deploy made it, or files in it were added "
                   "or edited since the last deploy (they are deleted or overwritten).")
@_deploy_options("Deploy even if that deletes more than --max-deletes files from TARGET "
                 "(never files a deploy did not write: see --take-over).")
def deploy_dir(target: Path | None, take_over: bool, max_deletes: int | None, force: bool,
               dry_run: bool, config_path: Path, debug: bool) -> None:
    """Make TARGET an exact copy of site/ (default: deploy.target).

    A full copy is staged beside TARGET and swapped in with one rename, so the folder is never
    half updated; files the site no longer has are deleted. TARGET must be new, empty or an
    earlier deploy (it holds the .archivegen-deploy file every deploy writes, listing its
    files); anything else, and files added or edited in it since, are replaced only with
    --take-over. A target inside the project, the content folder, / or your home folder is
    refused.
    """
    from archivegen.config import load_config
    from archivegen.deploy import DirectoryOptions
    from archivegen.deploy import deploy_directory as run_deploy

    options = DirectoryOptions(target=target, max_deletes=max_deletes, force=force,
                               take_over=take_over, dry_run=dry_run)
    result = _run(lambda: run_deploy(load_config(config_path), options), debug)
    if result.dry_run:
        _dry_run(str(result.target), result.added, result.changed, result.deleted,
                 "nothing was changed")
        return
    if not result.swapped:
        click.echo(f"nothing changed: {result.target} already equals the site")
        return
    click.echo(f"Deployed to {result.target}: {_counts(result.added, result.changed, result.deleted)}")


def _counts(added: list[str], changed: list[str], deleted: list[str]) -> str:
    return f"{len(added)} files added, {len(changed)} changed, {len(deleted)} deleted"


def _dry_run(where: str, added: list[str], changed: list[str], deleted: list[str], untouched: str) -> None:
    """Every file a deploy would touch, one per line, then the counts."""
    for verb, names in (("add", added), ("change", changed), ("delete", deleted)):
        for name in names:
            click.echo(f"would {verb} {name}")
    click.echo(f"Dry run for {where}: would have {_counts(added, changed, deleted)}; {untouched}")
