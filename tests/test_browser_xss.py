"""CHECKLIST X1-X3 in a real browser: hostile articles must render as inert, literal text.

The fixture archive (tests/fixtures/xss-archive) is built with the real CLI, served under the
/archive/ sub-path of its base_url, and every generated HTML page type is opened in Debian's
Chromium. On each page: no dialog, ``window.__xss`` never set (nor clobbered), no script but our
JSON-LD, no ``on*`` attribute, no dangerous URL, no console or page error, and the injected
titles are shown as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.browser_support import PREFIX, build_copy

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "xss-archive"
SITE_TITLE = "XSS fixture archive"
# Sanitizing keeps `<img src=x>` (a harmless relative URL) and drops its onerror: the browser
# then fetches <page>/x and gets a 404. That failed load is the only error a page may log.
NEUTERED_IMAGE = "/x"

# Runs in the page after load (and a short pause for late events): everything that would show
# that an injection survived, plus the texts the assertions compare with the fixture.
DOM_PROBE = """async () => {
  await new Promise(resolve => setTimeout(resolve, 50));
  const dangerous = /^(javascript|vbscript|data):/;
  const urlAttrs = ["href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster",
                    "background", "srcset"];
  const found = {scripts: [], handlers: [], urls: [], elements: [], unsafeBlank: []};
  for (const s of document.querySelectorAll("script")) {
    if (s.type !== "application/ld+json") found.scripts.push(s.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on")) found.handlers.push(`<${el.localName} ${a.name}="${a.value}">`);
      if (urlAttrs.includes(name)) {
        const v = a.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
        if (dangerous.test(v)) found.urls.push(`<${el.localName} ${a.name}="${a.value}">`);
      }
    }
  }
  // The theme's own <meta http-equiv="Content-Security-Policy"> and <link>s in <head> are fine
  // (the canonical link is absolute: base_url's host, not the test server).
  const banned = "iframe, frame, object, embed, form, input, button, base, style, svg, math, " +
                 "template, noscript, meta[http-equiv]:not([http-equiv='Content-Security-Policy' i]), " +
                 "body meta, body link";
  for (const el of document.querySelectorAll(banned)) found.elements.push(el.outerHTML.slice(0, 120));
  for (const el of document.querySelectorAll("link[href]:not([rel=canonical])")) {
    if (new URL(el.href).origin !== location.origin) found.elements.push(el.outerHTML);
  }
  for (const a of document.querySelectorAll("a[target]")) {
    if (!/\\bnoopener\\b/.test(a.rel)) found.unsafeBlank.push(a.outerHTML.slice(0, 120));
  }
  const texts = selector => [...document.querySelectorAll(selector)].map(e => e.innerText.trim());
  const meta = property => document.querySelector(`meta[property="${property}"]`)?.content ?? null;
  const h1 = document.querySelector("h1");
  return {
    ...found,
    xssType: typeof window.__xss,
    jsonLd: [...document.querySelectorAll('script[type="application/ld+json"]')]
      .map(s => JSON.parse(s.textContent)),
    h1: h1 ? h1.innerText.trim() : null,
    h1Visible: h1 ? h1.checkVisibility() : false,
    title: document.title,
    listed: texts("ol.article-list h2 a"),
    summaries: texts("p.summary"),
    tagIndex: texts("ul.tag-index a"),
    authors: texts(".article .authors").join(""),
    ogTitle: meta("og:title"),
    ogDescription: meta("og:description"),
  };
}"""


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


ARTICLES = [_front_matter(p) for p in sorted((FIXTURE / "content").glob("*.md"))]
ARTICLES_BY_TITLE = {a["title"]: a for a in ARTICLES}
TITLES = set(ARTICLES_BY_TITLE)
TAGS = {t for a in ARTICLES for t in a["tags"]}





@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy, so the build's state directory (.archivegen/) lands in tmp, not in tests/fixtures.
    out = build_copy(FIXTURE, tmp_path_factory.mktemp("xss"))
    return out


@dataclass
class Visit:
    """What loading one page produced."""

    kind: str
    url: str
    status: int | None = None
    final_url: str = ""
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    probe: dict = field(default_factory=dict)


def _visit(page, kind: str, url: str) -> Visit:
    """Load ``url`` in ``page`` with fresh listeners for dialogs, console/page errors and requests."""
    visit = Visit(kind, url)

    def on_dialog(dialog) -> None:
        visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(msg) -> None:
        if msg.type != "error":
            return
        resource = urlsplit(msg.location.get("url", "")).path
        if msg.text.startswith("Failed to load resource") and (
                resource.endswith(NEUTERED_IMAGE)):
            return
        visit.errors.append(f"console: {msg.text} ({msg.location.get('url')})")

    def on_page_error(exc) -> None:
        visit.errors.append(f"pageerror: {exc}")

    def on_request(request) -> None:
        visit.requests.append(request.url)

    listeners = {"dialog": on_dialog, "console": on_console, "pageerror": on_page_error,
                 "request": on_request}
    for event, listener in listeners.items():
        page.on(event, listener)
    try:
        response = page.goto(url, wait_until="load")
        visit.status = response.status if response else None
        visit.probe = page.evaluate(DOM_PROBE)
        visit.final_url = page.url
    finally:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)
    return visit


def _problems(visit: Visit, origin: str) -> list[str]:
    """Everything wrong with one page; the assertions of CHECKLIST X1-X3."""
    probe, problems = visit.probe, []
    if visit.status != 200:
        problems.append(f"HTTP status {visit.status}")
    if visit.final_url != visit.url:
        problems.append(f"navigated away to {visit.final_url}")
    if visit.dialogs:
        problems.append(f"dialogs fired: {visit.dialogs}")
    if probe["xssType"] != "undefined":
        problems.append(f"typeof window.__xss is {probe['xssType']!r}")
    for key in ("scripts", "handlers", "urls", "elements", "unsafeBlank"):
        if probe[key]:
            problems.append(f"{key}: {probe[key]}")
    if visit.errors:
        problems.append(f"console or page errors: {visit.errors}")
    foreign = [u for u in visit.requests if not u.startswith(origin + "/")]
    if foreign:
        problems.append(f"requests leaving the test server: {foreign}")
    stray = [u for u in visit.requests if not urlsplit(u).path.startswith(PREFIX)]
    if stray:
        problems.append(f"requests outside {PREFIX} (a link lost the sub-path): {stray}")
    if not probe["h1Visible"]:
        problems.append("no visible <h1>")

    heading, listed = probe["h1"], probe["listed"]
    if visit.kind == "article":
        # The injected title is the visible heading, character for character, and survives
        # every other place it is printed (<title>, og:, JSON-LD via tojson).
        article = ARTICLES_BY_TITLE.get(heading)
        if article is None:
            return [*problems, f"<h1> is not a literal fixture title: {heading!r}"]
        if probe["title"] != f"{heading} · {SITE_TITLE}":
            problems.append(f"<title> is {probe['title']!r}")
        if (probe["ogTitle"], probe["ogDescription"]) != (article["title"], article["summary"]):
            problems.append(f"og: title/description are {probe['ogTitle']!r}, {probe['ogDescription']!r}")
        names = article["authors"] or ["Fixture Desk"]  # none of its own: the config's author
        expected_ld = {"headline": article["title"], "description": article["summary"],
                       "author": [{"@type": "Person", "name": name} for name in names]}
        if len(probe["jsonLd"]) != 1 or any(probe["jsonLd"][0].get(k) != v for k, v in expected_ld.items()):
            problems.append(f"JSON-LD does not round-trip the metadata: {probe['jsonLd']}")
        if probe["authors"] != ", ".join(article["authors"]):
            problems.append(f"authors shown as {probe['authors']!r}")
    elif probe["jsonLd"]:
        problems.append(f"unexpected JSON-LD: {probe['jsonLd']}")

    if visit.kind == "home":
        if sorted(listed) != sorted(TITLES):
            problems.append(f"home page lists {listed}")
        if sorted(probe["summaries"]) != sorted(a["summary"] for a in ARTICLES):
            problems.append(f"summaries not shown literally: {probe['summaries']}")
    elif visit.kind == "tag":
        name = heading.removeprefix("Tag: ")
        expected = sorted(a["title"] for a in ARTICLES if name in a["tags"])
        if name not in TAGS or sorted(listed) != expected:
            problems.append(f"tag page {heading!r} lists {listed}")
    elif visit.kind == "tags index":
        if sorted(probe["tagIndex"]) != sorted(TAGS):
            problems.append(f"tags index shows {probe['tagIndex']}")
    elif visit.kind in ("year", "month") and (not listed or not set(listed) <= TITLES):
        problems.append(f"{visit.kind} page lists {listed}")
    return problems


def _page_urls(site_dir: Path, base_url: str) -> list[tuple[str, str]]:
    def url(index: Path) -> str:
        return base_url + index.parent.relative_to(site_dir).as_posix() + "/"

    articles = sorted(site_dir.glob("2021/[0-9][0-9]/*/index.html"))
    tags = sorted(site_dir.glob("tags/*/index.html"))
    months = sorted(site_dir.glob("2021/[0-9][0-9]/index.html"))
    assert len(articles) == len(ARTICLES) and len(tags) == len(TAGS) and len(months) == 2
    return [("home", base_url),
            *[("article", url(p)) for p in articles],
            *[("tag", url(p)) for p in tags],
            ("tags index", base_url + "tags/"),
            ("archives", base_url + "archives/"),
            ("year", base_url + "2021/"),
            *[("month", url(p)) for p in months]]


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def test_hostile_content_is_inert_on_every_page_type(site_dir: Path, base_url: str, page) -> None:
    origin = base_url.removesuffix(PREFIX)
    visits = [_visit(page, kind, url) for kind, url in _page_urls(site_dir, base_url)]
    failures = [f"{v.kind} {v.url}:\n    " + "\n    ".join(problems)
                for v in visits if (problems := _problems(v, origin))]
    assert not failures, "\n".join(failures)
    assert {v.probe["h1"] for v in visits if v.kind == "article"} == TITLES


def test_article_link_from_home_page_keeps_sub_path(base_url: str, page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base_url, wait_until="load")
    link = page.locator("ol.article-list h2 a").first
    title, href = link.inner_text().strip(), link.get_attribute("href")
    assert title in TITLES
    assert href and href.startswith(PREFIX), href
    with page.expect_navigation(wait_until="load"):
        link.click()
    assert PREFIX in page.url
    assert urlsplit(page.url).path == href
    assert page.locator("h1").inner_text().strip() == title
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert not dialogs


def test_json_ld_is_the_only_script_in_the_files(site_dir: Path) -> None:
    """The same rule on the HTML files themselves, before any browser parsing."""
    for path in site_dir.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if path.relative_to(site_dir).as_posix() == "search/index.html":  # the theme's search module
            html = html.replace(f'<script type="module" src="{PREFIX}static/search.js"></script>', "", 1)
        json_ld = html.count('<script type="application/ld+json">')
        assert html.lower().count("<script") == json_ld <= 1, path
        if json_ld:
            block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
            assert "<" not in block, path
            json.loads(block)
