"""An alias works in a real browser: Chromium opening an old URL lands on the article (U1).

The redirect page's meta refresh runs under the same Content-Security-Policy as every other
page; a CSP violation or a refresh the browser refuses would leave the reader on the stub.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser_support import build_copy, chromium, serve

pytestmark = pytest.mark.browser

CONFIG = "title: Links\nbase_url: https://example.org/archive/\ntimezone: UTC\n"
ARTICLE = ("---\ntitle: Ferries stop as crews strike\ndate: 2020-03-05T10:00:00Z\n"
           "aliases: [/2020/03/ferries-stop-as-crews-strike/, /news/ferry.html]\n---\n\n"
           "The crews walked out.\n")


@pytest.mark.parametrize("alias", ["2020/03/ferries-stop-as-crews-strike/", "news/ferry.html"])
def test_an_alias_takes_the_browser_to_the_article(tmp_path: Path, alias: str) -> None:
    fixture = tmp_path / "fixture"
    (fixture / "content" / "2020").mkdir(parents=True)
    (fixture / "site_config.yaml").write_text(CONFIG, encoding="utf-8")
    (fixture / "content" / "2020" / "ferry.md").write_text(ARTICLE, encoding="utf-8")
    site = build_copy(fixture, tmp_path / "built")
    with serve(site) as base, chromium() as browser:
        page = browser.new_page()
        problems: list[str] = []  # CSP violations are console errors; /favicon.ico is no problem
        page.on("console", lambda message: problems.append(message.text)
                if message.type in ("error", "warning") and "404" not in message.text else None)
        failed: list[str] = []
        page.on("response", lambda response: failed.append(response.url)
                if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
        page.goto(base + alias)
        page.wait_for_url(base + "2020/03/ferry/", timeout=10_000)
        assert page.locator("h1").inner_text() == "Ferries stop as crews strike"
        assert problems == [] and failed == []
