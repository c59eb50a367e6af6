"""Writing the site: safety checks on the output path, a build lock, atomic staging and swap."""
