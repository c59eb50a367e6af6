"""Where the packaged theme lives, and the template search path (no Jinja import needed)."""

from __future__ import annotations

from pathlib import Path

THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
THEME_TEMPLATES = THEME_DIR / "templates"
THEME_STATIC = THEME_DIR / "static"


def template_dirs(project_templates: Path) -> list[Path]:
    """Search path: the project's overrides first, then the packaged theme."""
    dirs = [project_templates] if project_templates.is_dir() else []
    return [*dirs, THEME_TEMPLATES]
