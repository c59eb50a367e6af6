"""The Jinja environment: the packaged theme, overridable file by file from templates/.

Autoescape is on for every template and undefined names are errors (StrictUndefined), so a typo
in a template fails the build with ``templates/x.html:LINE: message`` instead of printing an
empty string into 100,000 pages. Article text is only ever passed to templates as data, never
compiled as a template, so ``{{ 7*7 }}`` in an article stays literally that.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from archivegen.errors import Problem, TemplateError
from archivegen.render.recorder import RecordingEnvironment
from archivegen.render.theme import THEME_DIR, THEME_TEMPLATES, template_dirs

TemplateSnapshot = dict[str, tuple[str, str]]  # name -> (source, file it was read from)


def snapshot_templates(project_templates: Path) -> TemplateSnapshot:
    """The project's template overrides as text, for renderers on machines without the project."""
    if not project_templates.is_dir():
        return {}
    return {path.relative_to(project_templates).as_posix(): (path.read_text(encoding="utf-8"), str(path))
            for path in sorted(project_templates.rglob("*")) if path.is_file()}


class SnapshotLoader(jinja2.BaseLoader):
    """Serves templates from a snapshot, naming their original files in errors and tracebacks."""

    def __init__(self, snapshot: TemplateSnapshot) -> None:
        self.snapshot = snapshot

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self.snapshot:
            raise jinja2.TemplateNotFound(template)
        source, filename = self.snapshot[template]
        return source, filename, lambda: True


def make_environment(project_templates: Path, filters: dict[str, Callable[..., Any]],
                     globals_: dict[str, Any],
                     snapshot: TemplateSnapshot | None = None,
                     bytecode_dir: Path | None = None) -> RecordingEnvironment:
    """The environment; with a ``snapshot``, project templates come from it instead of the disk.

    ``bytecode_dir`` keeps compiled templates between builds (Jinja checks each against its
    source's checksum): compiling the theme costs more than rendering a dozen pages, which is
    what an incremental build often renders.
    """
    loader: jinja2.BaseLoader = jinja2.FileSystemLoader([str(d) for d in template_dirs(project_templates)])
    if snapshot is not None:
        theme = jinja2.FileSystemLoader(str(THEME_TEMPLATES))
        loader = jinja2.ChoiceLoader([SnapshotLoader(snapshot), theme])
    env = RecordingEnvironment(
        loader=loader,
        autoescape=jinja2.select_autoescape(disabled_extensions=("txt",), default=True,
                                            default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        bytecode_cache=_bytecode_cache(bytecode_dir),
    )
    # tojson (JSON-LD, feed.json) writes non-ASCII text as itself, not as \u escapes six times
    # its size in UTF-8; it still escapes < > & ' (Jinja's htmlsafe_json_dumps), which is what
    # keeps a title from closing a <script>.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.filters.update(filters)
    env.globals.update(globals_)
    return env


def _bytecode_cache(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only project: compile every time
    return jinja2.FileSystemBytecodeCache(str(folder))


def describe_template_error(exc: BaseException, project_dir: Path, rendering: str = "") -> TemplateError:
    """Turn a Jinja exception into ``templates/name.html:LINE: message``.

    ``rendering`` names what was being rendered ("page /2020/03/x/ of content/x.md"): a
    runtime error may come from one article's data (no authors, say), and the user must find it.
    """
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = _shown(exc.filename or exc.name or "template", project_dir)
        return TemplateError([Problem(path, f"template syntax error: {exc.message}", exc.lineno)])
    # Runtime errors: Jinja rewrites tracebacks so template frames carry the template's
    # file name and line; the innermost such frame is where the template went wrong. That
    # includes a missing template: the error belongs to the {% include %} or {% extends %}.
    location: tuple[str, int | None] | None = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".json", ".txt")) and Path(frame.filename).exists():
            location = (frame.filename, frame.lineno)
    suffix = f" ({rendering})" if rendering else ""
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
    elif isinstance(exc, jinja2.UndefinedError):
        message = f"template error: {_in_template_terms(str(exc), location)}{suffix}"
    elif isinstance(exc, jinja2.TemplateError):
        message = f"template error: {exc}{suffix}"
    else:
        message = f"template error: {type(exc).__name__}: {exc}{suffix}"
    if location is None:
        return TemplateError([Problem("templates", message)])
    return TemplateError([Problem(_shown(location[0], project_dir), message, location[1])])


# Jinja names the *type* of what lacks an attribute ("'archivegen.render.views.ArticleView
# object' has no attribute 'titel'"); template authors know variables, not our classes.
_MISSING = re.compile(r"'?(?P<type>[\w.]+) object'? has no (?P<kind>attribute|element) (?P<key>.+)")
_TYPE_NAMES = {"ArticleView": "article", "TagLink": "tag", "PagerView": "pager", "YearLink": "year",
               "MonthLink": "month", "dict": "mapping", "tuple": "list", "list": "list", "str": "text",
               "int": "number", "float": "number", "datetime": "date", "bool": "boolean"}


def _in_template_terms(message: str, location: tuple[str, int | None] | None) -> str:
    """``'article' has no attribute 'titel'``: the expression as written in the template."""
    match = _MISSING.fullmatch(message)
    if match is None:
        return message
    kind, key = match["kind"], match["key"]
    expression = _expression_at(location, key, kind)
    if expression is None:
        type_name = match["type"].rsplit(".", 1)[-1]
        expression = f"a {_TYPE_NAMES.get(type_name, type_name)}"
        return f"{expression} has no {kind} {key}"
    return f"'{expression}' has no {kind} {key}"


def _expression_at(location: tuple[str, int | None] | None, key: str, kind: str) -> str | None:
    """The variable (``article``, ``article.authors``) whose ``key`` the failing line reads."""
    if location is None or location[1] is None:
        return None
    try:
        line = Path(location[0]).read_text(encoding="utf-8").split("\n")[location[1] - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    name = key.strip("'\"")
    access = rf"\.\s*{re.escape(name)}\b" if kind == "attribute" else rf"\[\s*{re.escape(key)}\s*\]"
    found = re.findall(rf"([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*(?:{access})", line)
    return found[0] if len(set(found)) == 1 else None


def _shown(filename: str, project_dir: Path) -> str:
    path = Path(filename)
    for root, prefix in ((project_dir, ""), (THEME_DIR.parent, "archivegen/")):
        try:
            return prefix + path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
    return filename
