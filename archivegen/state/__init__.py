"""The build state database: what every output was made from (see ``store.py``)."""

from archivegen.state.store import BuildState, OutputRow, SourceRow

__all__ = ["BuildState", "OutputRow", "SourceRow"]
