"""Refuse output directories whose replacement would destroy the user's work.

The build replaces the whole output directory, so pointing it at the project, the content, a
parent of either, the home directory or '/' must fail before anything is touched (MkDocs'
``SiteDir`` check; zola#1378 deleted a user's project this way).
"""

from __future__ import annotations

from pathlib import Path

from archivegen.config.schema import SiteConfig
from archivegen.errors import OutputError, Problem


def check_output_dir(config: SiteConfig, output: Path, from_command_line: bool = False) -> None:
    """Raise OutputError unless ``output`` is safe to replace; blame where the path came from."""
    out = output.resolve()
    source = "--output" if from_command_line else f"{config.config_path.name}: output_dir"
    protected = {
        "the project folder": config.project_dir,
        "the content folder": config.content_dir,
        "the templates folder": config.templates_dir,
        "the static folder": config.static_dir,
    }
    reason = None
    if out == Path(out.anchor) or out == Path.home().resolve():
        reason = f"{out} is the filesystem root or your home folder"
    else:
        for name, folder in protected.items():
            if out == folder:
                reason = f"{out} is {name}"
            elif folder.is_relative_to(out):
                reason = f"{out} contains {name}"
            elif name != "the project folder" and out.is_relative_to(folder):
                reason = f"{out} is inside {name}"
            if reason:
                break
    if reason:
        raise OutputError([Problem(source, f"refusing to build into {reason}; "
                                           "choose a separate folder such as 'site'")])
    if out.exists() and not out.is_dir():
        raise OutputError([Problem(str(out), "output path exists and is not a directory")])
