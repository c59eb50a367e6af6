"""archivegen serve: the live preview (watch, rebuild incrementally, reload the browser)."""
