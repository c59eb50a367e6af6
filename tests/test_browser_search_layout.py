"""The search page in both colour schemes, and its layout while results arrive (issue 16, item 5).

Dark mode: the theme declares ``color-scheme: light dark`` and styles the form controls, so the
query box, the menus and the buttons follow the reader's scheme instead of staying light.

Layout: the results appear only once Pagefind has loaded, after the page's first paint; what is
already on screen (form, status line, footer) must not move then. The page's layout shifts are
summed the way Chrome counts them for CLS (PerformanceObserver, buffered, shifts right after
input excluded) until ``#search[data-done]`` says the results are shown. Pagefind's manifest is
held back a little, so the first paint always comes before the results, as on a real network.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser_support import Watched, build_copy, serve

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "search-archive"
VIEWPORTS = {
    "mobile": {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75,
               "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1350, "height": 940}},
}
CONTROLS = ["#search-q", "#search-tag", "#search-from", "#search-to", "#search-sort",
            ".search-box button", "#search-more"]
RECORD_SHIFTS = """
window.layoutShifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.layoutShifts.push(entry.value);
  }
}).observe({type: "layout-shift", buffered: true});
"""
# Two animation frames: the shifts of the frame that showed the results are then reported.
SETTLED_SHIFTS = """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(
  () => setTimeout(() => resolve(window.layoutShifts), 50))))"""
LUMINANCE = """selector => {
  const [r, g, b] = getComputedStyle(document.querySelector(selector)).backgroundColor
    .match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => c / 255)
    .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(build_copy(FIXTURE, tmp_path_factory.mktemp("layout"))) as url:
        yield url


@contextmanager
def page_in(browser, base_url: str, **options: object) -> Iterator[Watched]:
    """A fresh context's page with ``options`` (colour scheme, viewport), under watch."""
    context = browser.new_context(**options)
    try:
        w = Watched(context.new_page(), base_url.removesuffix("/archive/"))
        yield w
        w.assert_clean()
    finally:
        context.close()


def _wait_done(w: Watched) -> None:
    w.page.wait_for_function("() => document.getElementById('search').dataset.done === location.search",
                             timeout=15_000)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_form_controls_follow_the_colour_scheme(browser, base_url: str, scheme: str) -> None:
    with page_in(browser, base_url, color_scheme=scheme) as w:
        w.page.goto(base_url + "search/?q=harbour", wait_until="load")
        _wait_done(w)
        for selector in CONTROLS:
            luminance = w.page.evaluate(LUMINANCE, selector)
            if scheme == "dark":
                assert luminance < 0.1, (selector, luminance)
            else:
                assert luminance > 0.7, (selector, luminance)
        page = w.page.evaluate(LUMINANCE, "body")
        assert (page < 0.1) == (scheme == "dark"), page
        # The native parts (menus' popups, scrollbars, the search box's clear button) follow too.
        declared = w.page.evaluate("getComputedStyle(document.documentElement).colorScheme")
        assert declared.split() == ["light", "dark"]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize(("query", "results"), [("harbour", True), ("Economy", True), ("zzqxv", False)])
def test_nothing_on_screen_moves_when_the_results_arrive(browser, base_url: str, viewport: str,
                                                         query: str, results: bool) -> None:
    with page_in(browser, base_url, **VIEWPORTS[viewport]) as w:
        def late_manifest(route) -> None:
            time.sleep(0.3)  # holds Playwright's loop: the page paints its first frame meanwhile
            route.continue_()

        w.page.route("**/pagefind/index.json", late_manifest)
        w.page.add_init_script(RECORD_SHIFTS)
        w.page.goto(base_url + f"search/?q={query}", wait_until="load")
        _wait_done(w)
        shifts = w.page.evaluate(SETTLED_SHIFTS)
        shown = w.page.locator("#search-results li").count()
        assert (shown > 0) == results, shown
        assert sum(shifts) < 0.05, shifts
