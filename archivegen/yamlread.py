"""Safe YAML reading that remembers where every key was written.

Both site_config.yaml and article front matter need errors of the form ``file:LINE: message``,
and both must never execute YAML tags. PyYAML's loaders give us neither line numbers for values
nor protection against silently dropped duplicate keys, so we compose the node tree with the
safe (C, when available) parser and build plain Python values ourselves:

* only the standard YAML tags are accepted (``!!python/...`` and friends are errors),
* aliases are refused, which also defeats "billion laughs" bombs,
* duplicate mapping keys are errors (PyYAML silently keeps the last one),
* timestamps stay strings, so dates are parsed by one strict parser of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # CSafeLoader has SafeLoader's interface: mypy checks _Loader as a SafeLoader
    _BaseLoader = yaml.SafeLoader
else:
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}


class _Loader(_BaseLoader):
    """The safe loader without implicit timestamps (dates are parsed by us, strictly)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlProblem(Exception):
    """A YAML error located in the text that was parsed (1-based line and column)."""

    message: str
    line: int
    column: int | None = None


@dataclass
class LocatedYaml:
    """Plain Python data plus the position of every mapping key and sequence item."""

    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # With load(keep_going=True): values dropped (as None) for a disallowed tag, and why.
    rejected: list[tuple[Path, YamlProblem]] = field(default_factory=list)

    def line_of(self, path: Path, default: int = 1) -> int:
        """Line of the closest located ancestor of ``path``."""
        while path:
            if path in self.positions:
                return self.positions[path][0]
            path = path[:-1]
        return self.positions.get((), (default, 1))[0]


class _AliasFound(Exception):
    """A node was reached twice: an alias (the composed tree loses where it was written)."""


def load(text: str, keep_going: bool = False) -> LocatedYaml:
    """Parse one YAML document safely; raise YamlProblem with its position on any error.

    With ``keep_going``, a value with a disallowed tag becomes None and is listed in
    ``rejected`` instead, so site_config.yaml can report it together with every other problem.
    """
    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = exc.problem or exc.context or "invalid YAML"
            if exc.context and exc.problem:
                message = f"{exc.problem} ({exc.context})"
            message = " ".join(message.split())
            if exc.context == "while scanning a quoted scalar" and exc.context_mark:
                mark = exc.context_mark  # where the quote opens, not where the text ran out
                message = "this quoted value is never closed"
            elif mark and _char_at(text, mark.line, mark.column) == "\t":
                message = "a tab character here: YAML indents with spaces only"
            line = mark.line + 1 if mark else 1
            column = mark.column + 1 if mark else None
            raise YamlProblem(f"invalid YAML: {message}", line, column) from None
        except yaml.YAMLError as exc:  # reader errors (bad characters): no line marks
            raise YamlProblem(f"invalid YAML: {' '.join(str(exc).split())}", 1) from None
        located = LocatedYaml(data=None)
        if root is None:
            return located
        located.positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
        rejected = located.rejected if keep_going else None
        try:
            located.data = _build(loader, root, (), located.positions, set(), rejected)
        except _AliasFound:
            raise YamlProblem("YAML aliases (*name) are not allowed", *_first_alias(text)) from None
        return located
    finally:
        loader.dispose()


def _first_alias(text: str) -> tuple[int, int]:
    """Line and column of the first ``*alias`` (parsed again: only on this error path)."""
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) and event.start_mark:  # the parser always sets it
                return event.start_mark.line + 1, event.start_mark.column + 1
    finally:
        loader.dispose()
    return 1, 1


def _build(
    loader: Any, node: yaml.Node, path: Path, positions: dict[Path, tuple[int, int]],
    seen: set[int], rejected: list[tuple[Path, YamlProblem]] | None = None,
) -> Any:
    if id(node) in seen:
        raise _AliasFound
    seen.add(id(node))
    if node.tag not in _ALLOWED_TAGS:
        problem = YamlProblem(
            f"YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
            node.start_mark.line + 1, node.start_mark.column + 1,
        )
        if rejected is None:
            raise problem
        rejected.append((path, problem))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(loader, key_node, path, {}, seen)
            if isinstance(key, (dict, list)):
                raise YamlProblem("mapping keys must be plain values",
                                  key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key == "<<":
                raise YamlProblem("YAML merge keys (<<) are not allowed",
                                  key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                raise YamlProblem(f"duplicate key {key!s}",
                                  key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            child = (*path, key if isinstance(key, (str, int)) else str(key))
            positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _build(loader, value_node, child, positions, seen, rejected)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            positions[child] = (item_node.start_mark.line + 1, item_node.start_mark.column + 1)
            items.append(_build(loader, item_node, child, positions, seen, rejected))
        return items
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise YamlProblem(f"invalid value: {exc}", node.start_mark.line + 1,
                          node.start_mark.column + 1) from None


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based YAML mark, or '' past the end."""
    lines = text.split("\n")
    return lines[line][column:column + 1] if line < len(lines) else ""
