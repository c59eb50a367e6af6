"""site_config.yaml: the typed, validated settings of one archive."""

from archivegen.config.loader import load_config
from archivegen.config.schema import SiteConfig, TagRule

__all__ = ["SiteConfig", "TagRule", "load_config"]
