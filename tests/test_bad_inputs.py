"""CHECKLIST rows of the "core pipeline" issue: bad inputs and faults a build must survive.

Rows F1-F8, P1-P7, X1-X3, X5, B1-B3 and B7 of /work/shared/CHECKLIST.md that need more than
"this input gives that error" (those are case files in tests/cases/, run by test_cases.py), one
test (or one parametrized family) per row, named by the row id. Every case starts from a tiny archive that
was built successfully (in-process, once per session, then copied: that keeps the suite fast),
breaks one thing and runs the real ``archivegen`` console script in a subprocess. An error must
be exactly the expected ``path[:line[:col]]: message`` line(s) on stderr, a non-zero exit, no
traceback, no staging folder left behind, and ``site/`` and ``content/`` byte-identical. Where
the right behaviour is success, the built site is checked instead (sanitized, strictly
parsable, percent-encoded, ...).
"""

from __future__ import annotations

import html
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import xml.dom.minidom
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archivegen.build import BuildOptions, build
from tests.conftest import pages_bytes, tree_bytes
from tests.projects import Archive

_SCRIPTS_DIR = Path(sys.executable).parent
ARCHIVEGEN = str(_SCRIPTS_DIR / "archivegen") if (_SCRIPTS_DIR / "archivegen").exists() \
    else shutil.which("archivegen")
if ARCHIVEGEN is None:  # pragma: no cover - the package is installed with `pip install -e .`
    pytest.skip("the archivegen console script is not installed", allow_module_level=True)

# The same base archive as the case files (tests/cases/_base/): one tiny archive for every bad input.
BASE = Path(__file__).parent / "cases" / "_base"
CONFIG = (BASE / "site_config.yaml").read_text(encoding="utf-8")
GOOD_ARTICLES = {path.relative_to(BASE / "content").as_posix(): path.read_text(encoding="utf-8")
                 for path in sorted((BASE / "content").rglob("*.md"))}
# Hostile inputs must be rejected or rendered within this many seconds (measured: under 3 s).
BUDGET_SECONDS = 15
# Address-space cap while building hostile inputs: "bounded memory", with a wide margin.
MEMORY_LIMIT = 2 * 1024 ** 3
ERROR_SHAPE = re.compile(r"[^\s:][^:]*(:\d+(:\d+)?)?: \S.*")


# -- the project under test ---------------------------------------------------------------------

@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Project(Archive):
    """A tiny archive in tmp_path/archive that was built once successfully."""

    baseline: dict[str, bytes]

    def article(self, name: str, front_matter: str, body: str = "Body.\n") -> Path:
        return self.write(f"content/{name}", f"---\n{front_matter}---\n{body}")

    def config(self, extra: str, base: str = CONFIG) -> None:
        self.write("site_config.yaml", base + extra)

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 60,
            preexec: Callable[[], None] | None = None) -> Run:
        """Run the real console script in the project folder."""
        start = time.perf_counter()
        done = subprocess.run(
            [ARCHIVEGEN, "build", *args], cwd=self.root, capture_output=True, timeout=timeout,
            env={**os.environ, **(env or {})}, preexec_fn=preexec)
        return Run(done.returncode, done.stdout.decode("utf-8", "replace"),
                   done.stderr.decode("utf-8", "replace"), time.perf_counter() - start)

    def staging_dirs(self) -> list[Path]:
        """Work folders of builds: staging (full builds) and pending (incremental builds)."""
        return sorted([*self.root.glob(".site.staging-*"), *self.root.glob(".site.pending-*")])

    def expect_error(self, expected: list[str] | re.Pattern[str], *args: str, **run_args) -> Run:
        """Run a build that must fail cleanly and leave site/ and content/ as they were."""
        content_before = tree_bytes(self.root / "content")
        result = self.run(*args, **run_args)
        assert result.returncode != 0, result.stdout
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        if isinstance(expected, re.Pattern):
            assert len(lines) == 1 and expected.fullmatch(lines[0]), result.stderr
        else:
            assert lines == expected
        for line in lines:
            assert ERROR_SHAPE.fullmatch(line), line
        assert tree_bytes(self.site) == self.baseline, "the previous site changed"
        assert tree_bytes(self.root / "content") == content_before, "content/ changed"
        assert self.staging_dirs() == []
        return result

    def expect_success(self, *args: str, **run_args) -> Run:
        result = self.run(*args, **run_args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert self.staging_dirs() == []
        return result

    def page(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")

    def files(self, suffix: str = "") -> dict[str, bytes]:
        return {name: data for name, data in pages_bytes(self.site).items() if name.endswith(suffix)}


def make_project(root: Path, config: str = CONFIG, articles: dict[str, str] | None = None,
                 files: dict[str, str] | None = None) -> Project:
    """Write an archive and build it once (in-process: the baseline, not the case under test)."""
    project = Project(root, {})
    project.write("site_config.yaml", config)
    for name, text in (GOOD_ARTICLES if articles is None else articles).items():
        project.write(f"content/{name}", text)
    for name, text in (files or {}).items():
        project.write(name, text)
    build(BuildOptions(config_path=root / "site_config.yaml", workers=1))
    project.baseline = tree_bytes(project.site)
    assert "index.html" in project.baseline
    return project


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The default archive, built once per session; tests get copies of it."""
    return make_project(tmp_path_factory.mktemp("built") / "archive")


@pytest.fixture
def project(tmp_path: Path, built_archive: Project) -> Project:
    root = tmp_path / "archive"
    shutil.copytree(built_archive.root, root, symlinks=True)
    copy = Project(root, built_archive.baseline)
    assert tree_bytes(copy.site) == copy.baseline
    return copy


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse_html(text: str) -> _Elements:
    parser = _Elements()
    parser.feed(text)
    parser.close()
    return parser


_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "srcset", "background",
                   "xlink:href", "cite", "content"}
_FORBIDDEN_ELEMENTS = {"iframe", "object", "embed", "form", "base", "style", "svg", "math", "frame",
                       "applet", "input", "button", "textarea", "select", "template", "noscript"}


_SEARCH_FORM = {"form", "input", "select", "button"}


def _scheme(url: str) -> str:
    """What a browser would take as the URL's scheme (it drops whitespace and controls)."""
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(url)).lower()
    return squeezed.split(":", 1)[0] if ":" in squeezed else ""


def assert_site_is_inert(project: Project) -> None:
    """X1-X3 on every HTML file: only our JSON-LD script, no handlers, no dangerous URL."""
    for name, data in project.files(".html").items():
        text = data.decode("utf-8")
        page = parse_html(text)
        # The search page's own form is theme markup; no article text is rendered there.
        allowed = _SEARCH_FORM if name == "search/index.html" else set()
        for tag, attrs in page.tags:
            assert tag not in _FORBIDDEN_ELEMENTS - allowed, f"<{tag}> in {name}"
            if tag == "script" and name == "search/index.html":  # the theme's search module, only there
                assert attrs.get("type") == "module" and attrs.get("src", "").endswith("/static/search.js") \
                    and set(attrs) == {"type", "src"}, f"{name}: <script {attrs}>"
            elif tag == "script":
                assert attrs == {"type": "application/ld+json"}, f"{name}: <script {attrs}>"
            if tag == "meta":
                assert "http-equiv" not in attrs or attrs["http-equiv"].lower() != "refresh", name
            if tag == "a" and attrs.get("target", "").lower() == "_blank":
                assert "noopener" in attrs.get("rel", "").split(), f"{name}: {attrs}"
            for attribute, value in attrs.items():
                assert not attribute.startswith("on"), f"{name}: <{tag} {attribute}={value!r}>"
                if attribute in _URL_ATTRIBUTES and tag != "meta":
                    assert _scheme(value) in ("", "http", "https", "mailto"), \
                        f"{name}: <{tag} {attribute}={value!r}>"
        for script in page.scripts:
            if name == "search/index.html" and not script.strip():
                continue  # the external search module: no inline code
            json.loads(script)  # our JSON-LD, nothing else, and it is intact
            assert "</" not in script and "<!--" not in script
        # Raw text checks too: nothing that a different parser could read as a tag.
        assert len(re.findall(r"<script\b", text, re.IGNORECASE)) == len(page.scripts), name
        assert not re.search(r"<[a-z][^<>]*?[\s/\"']on[a-z]+\s*=", _without_attribute_values(text),
                             re.IGNORECASE), name


def _without_attribute_values(text: str) -> str:
    return re.sub(r"=\s*(\"[^\"]*\"|'[^']*')", "=''", text)


def parse_every_xml_file(project: Project) -> dict[str, ET.Element]:
    """X5: every XML file parses with two strict parsers."""
    roots = {}
    for name, data in project.files(".xml").items():
        roots[name] = ET.fromstring(data)
        xml.dom.minidom.parseString(data)
    assert {"feed.xml", "rss.xml", "sitemap.xml"} <= set(roots)
    return roots


def site_urls(project: Project) -> list[str]:
    """Every URL the sitemap and the feeds publish."""
    urls = []
    for root in parse_every_xml_file(project).values():
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag in ("loc", "link", "id") and element.text and "://" in element.text:
                urls.append(element.text.strip())
            if tag == "link" and element.get("href"):
                urls.append(element.get("href", ""))
    return urls


RFC3986_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:\d+)?(/([A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-F]{2})*)*")
PORTABLE_SEGMENT = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                    *(f"lpt{i}" for i in range(10))}


def article_dirs(project: Project) -> set[str]:
    """Site paths of article pages (the default permalink puts them at YYYY/MM/slug/)."""
    return {name.rsplit("/", 1)[0] for name in project.files("index.html")
            if re.fullmatch(r"\d{4}/\d{2}/[^/]+/index\.html", name)}


# -- F1, F2, F4, F5, B1, B7: the plain 'this input, that error' rows are case files in tests/cases/

# -- F2: front matter that is not a closed mapping ----------------------------------------------

def test_F2_bom_before_front_matter_is_not_body(project: Project) -> None:
    project.write("content/bom.md", b"\xef\xbb\xbf---\r\ntitle: With a BOM\r\ndate: 2020-01-01\r\n"
                                    b"---\r\nBody text.\r\n")
    project.expect_success()
    page = project.page("2020/01/bom/index.html")  # the slug is the file name
    assert "<h1 data-pagefind-meta=\"title\">With a BOM</h1>" in page
    assert "title:" not in page and "---" not in page and "\ufeff" not in page


# -- F3: hostile YAML ---------------------------------------------------------------------------

def _billion_laughs() -> str:
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_F3_python_tag_is_not_executed(project: Project, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    project.article("bad.md", f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
                              "date: 2020-01-01\n")
    project.expect_error(["content/bad.md:2:8: YAML tag !!python/object/apply:os.system is not "
                          "allowed"])
    assert not marker.exists()


def test_F3_billion_laughs(project: Project) -> None:
    project.article("bad.md", "title: Laughs\ndate: 2020-01-01\n" + _billion_laughs())
    result = project.expect_error(["content/bad.md:5:14: YAML aliases (*name) are not allowed"],
                                  preexec=limit_memory)
    assert result.seconds < BUDGET_SECONDS


@pytest.mark.parametrize(("megabytes", "expected"), [
    pytest.param(50, "content/bad.md:1: file is 50.0 MB; articles are limited to 8 MB", id="50MB"),
    pytest.param(1, "content/bad.md:1460: front matter is larger than 256 KB", id="1MB"),
])
def test_F3_huge_front_matter(project: Project, megabytes: int, expected: str) -> None:
    line = b"key_" + b"k" * 60 + b": " + b"v" * 113 + b"\n"  # 180 bytes
    count = megabytes * 1024 * 1024 // len(line)
    with open(project.root / "content/bad.md", "wb") as handle:
        handle.write(b"---\ntitle: Huge\ndate: 2020-01-01\n")
        for _ in range(count // 1000):
            handle.write(line * 1000)
        handle.write(b"---\nBody\n")
    result = project.expect_error([expected], preexec=limit_memory)
    assert result.seconds < BUDGET_SECONDS


# -- F4: dates ----------------------------------------------------------------------------------

def test_F4_mixed_naive_aware_and_far_dates_sort_in_the_site_zone(tmp_path: Path) -> None:
    project = make_project(tmp_path / "archive", CONFIG.replace("UTC", "Europe/Moscow"))
    project.article("naive.md", "title: Naive\ndate: 2022-05-01T12:00:00\n")  # 09:00 UTC
    project.article("aware.md", "title: Aware\ndate: 2022-05-01T10:00:00+00:00\n")  # 13:00 MSK
    project.article("date-only.md", "title: Date only\ndate: 2022-05-01\n")
    project.article("far.md", "title: Far future\ndate: 9999-12-31T23:59:59\n")
    project.article("early.md", "title: Early\ndate: 0001-01-01T00:00:00\n")
    project.expect_success()
    home = project.page("index.html")
    order = [home.index(f">{title}</a></h2>") for title in
             ("Far future", "Aware", "Naive", "Date only", "Second article", "Early")]
    assert order == sorted(order)
    assert 'datetime="2022-05-01T13:00:00+03:00"' in project.page("2022/05/aware/index.html")
    assert 'datetime="2022-05-01T12:00:00+03:00"' in project.page("2022/05/naive/index.html")
    parse_every_xml_file(project)


# -- F5: field types ----------------------------------------------------------------------------

@pytest.mark.parametrize("tags", ["Syria", "[Syria, syria, \" Syria \"]", "[\"SYRIA\", Syria]"])
def test_F5_tags_are_normalized_to_one_tag(project: Project, tags: str) -> None:
    project.article("tagged.md", f"title: Tagged\ndate: 2020-01-01\ntags: {tags}\n")
    project.expect_success()
    tag_pages = sorted(name for name in project.files("index.html") if name.startswith("tags/"))
    assert tag_pages == ["tags/index.html", "tags/syria/index.html", "tags/turkey/index.html"]
    page = project.page("2020/01/tagged/index.html")
    assert page.count('rel="tag"') == 1
    assert "Tagged" in project.page("tags/syria/index.html")


def test_F5_numeric_title_is_text(project: Project) -> None:
    project.article("number.md", "title: 123\ndate: 2020-01-01\nsummary: 4.5\n")
    project.expect_success()
    assert "<h1 data-pagefind-meta=\"title\">123</h1>" in project.page("2020/01/number/index.html")
    for name, data in project.files().items():
        assert b"None" not in data, name


# -- F6: content is never a template ------------------------------------------------------------

def test_F6_template_syntax_in_content_is_literal(project: Project) -> None:
    project.article("tpl.md", "title: \"{{ 7*7 }} and {{ config }}\"\ndate: 2020-01-01\n"
                              "summary: \"{% include '/etc/passwd' %}\"\ntags: [\"{{ 7*7 }}\"]\n",
                    "Body {{ 7*7 }}, {% include \"/etc/passwd\" %}, {{ config }} and {# c #}.\n")
    project.expect_success()
    page = project.page("2020/01/tpl/index.html")
    assert "<h1 data-pagefind-meta=\"title\">{{ 7*7 }} and {{ config }}</h1>" in page
    assert '<p>Body {{ 7*7 }}, {% include "/etc/passwd" %}, {{ config }} and {# c #}.</p>' in page
    site = b"".join(project.files().values()).decode()
    assert "49 and" not in site and "Body 49" not in site and ">49<" not in site
    assert "root:" not in site and "SiteConfig" not in site and "<Config" not in site


# -- F7: hostile Markdown -----------------------------------------------------------------------

HOSTILE_HEADER = "---\ntitle: Hostile\ndate: 2020-01-01\n---\n"


def _write_hostile(path: Path, kind: str) -> None:
    bodies = {
        "brackets": "[" * 20000,
        "emphasis": "**_" + "*_" * 40000,
        "cdata": "<![",
        "blockquotes": "> " * 10000 + "deep",
        "blockquote-lines": "".join(">" * i + " x\n" for i in range(1, 2000)),
        "bullet-lists": "- " * 10000 + "deep",
        "ordered-lists": "1. " * 10000 + "deep",
        "html-nesting": "<div>" * 10000 + "x" + "</div>" * 10000,
        "links": "[a](" * 10000 + "b" + ")" * 10000,
        "backticks": "`" * 20000 + "x" + "``" * 10000,
    }
    if kind == "50MB-body":
        with open(path, "wb") as handle:
            handle.write(HOSTILE_HEADER.encode())
            chunk = b"All work and no play makes a long body. " * 25 + b"\n\n"
            for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
                handle.write(chunk)
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "binary-without-nul":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 16)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "whitespace-only":
        path.write_bytes(b" \n\t\n")
    else:
        path.write_text(HOSTILE_HEADER + bodies[kind], encoding="utf-8")


@pytest.mark.parametrize(("kind", "expected"), [
    ("brackets", None),
    ("emphasis", "content/bad.md:5: the body has more than 50,000 markup characters (< * _ [ ` &); "
                 "articles are limited to that so that each renders in about a second"),
    ("cdata", None),
    ("blockquotes", None),
    ("blockquote-lines", None),
    ("bullet-lists", None),
    ("ordered-lists", None),
    ("html-nesting", None),
    ("links", None),
    ("backticks", None),
    ("50MB-body", "content/bad.md:1: file is 50.0 MB; articles are limited to 8 MB"),
    ("binary", "content/bad.md:1: binary file (contains NUL bytes), not a Markdown article"),
    ("binary-without-nul", "content/bad.md:1: not valid UTF-8 (byte 0x89)"),
    ("empty", "content/bad.md:1: empty file: an article needs front matter with a title and date"),
    ("whitespace-only",
     "content/bad.md:1: empty file: an article needs front matter with a title and date"),
])
def test_F7_hostile_markdown_finishes_in_budget(project: Project, kind: str,
                                                expected: str | None) -> None:
    _write_hostile(project.root / "content/bad.md", kind)
    if expected is None:
        result = project.expect_success(preexec=limit_memory, timeout=BUDGET_SECONDS * 4)
        assert "<h1 data-pagefind-meta=\"title\">Hostile</h1>" in project.page("2020/01/bad/index.html")
        assert_site_is_inert(project)
    else:
        result = project.expect_error([expected], preexec=limit_memory, timeout=BUDGET_SECONDS * 4)
    assert result.seconds < BUDGET_SECONDS, f"{kind} took {result.seconds:.1f} s"


# -- P1: paths that try to leave site/ ----------------------------------------------------------

def _listing(root: Path, skip: tuple[Path, ...]) -> dict[str, bytes | None]:
    """Every file and folder under root except the skipped trees (bytes for files).

    The skipped trees are site/ and .archivegen/ (where every build records its status).
    """
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        if any(path == s or path.is_relative_to(s) for s in skip):
            continue
        found[path.relative_to(root).as_posix()] = path.read_bytes() if path.is_file() else None
    return found


@pytest.mark.parametrize(("field", "value", "shown"), [
    ("slug", '"../../x"', "../../x"),
    ("slug", "/tmp/x", "/tmp/x"),
    ("slug", '"%2e%2e%2f"', "%2e%2e%2f"),
    ("slug", "'..\\..\\x'", "..\\..\\x"),
    ("slug", '"a\\0b"', "a\\x00b"),
    ("slug", '"evil\\nline"', "evil\\nline"),
    ("slug", "../site-evil/x", "../site-evil/x"),
    ("slug", "{absolute}", "{absolute:60}"),
    ("url", "/../../x/", None),
    ("url", "/tmp/x", None),
    ("url", "/%2e%2e%2f/", None),
    ("url", "'/..\\..\\x/'", None),
    ("url", '"/a\\0b/"', None),
    ("url", "/../site-evil/x/", None),
    ("url", "//evil.example/x/", None),
    ("url", "/x/../../y/", None),
    ("url", "{absolute}/", None),
])
def test_P1_path_traversal(project: Project, tmp_path: Path, field: str, value: str,
                           shown: str | None) -> None:
    absolute = str(tmp_path / "escaped")
    value = value.replace("{absolute}", absolute)
    project.article("bad.md", f"title: Escape\ndate: 2020-01-01\n{field}: {value}\n")
    skip = (project.site, project.root / ".archivegen")
    before = _listing(tmp_path, skip)
    if field == "slug":
        expected = ('content/bad.md:4: "slug" must be lowercase letters, digits and hyphens, '
                    f'got "{(shown or "").replace("{absolute:60}", absolute[:60])}"')
    else:
        expected = ('content/bad.md:4: "url" must be a site path such as /special/page/ '
                    "(lowercase letters, digits, '-', '_', no '..')")
    project.expect_error([expected])
    assert _listing(tmp_path, skip) == before


# -- P2: two articles, one output path ----------------------------------------------------------

@pytest.mark.parametrize(("first", "second", "slug"), [
    ("a/same-name.md", "b/same-name.md", "same-name"),  # slugs come from file names
    ("Россия.md", "Rossiia.md", "rossiia"),
    ("Crash: now!.md", "crash now.md", "crash-now"),
    ("2019/index.md", "2020/index.md", "same-title"),  # no usable file name: the title's slug
])
def test_P2_two_articles_one_path(project: Project, first: str, second: str, slug: str) -> None:
    project.article(first, 'title: "Same title"\ndate: 2020-01-01T10:00:00Z\n')
    project.article(second, 'title: "Same title"\ndate: 2020-01-02T10:00:00Z\n')
    line = 2 if first.endswith("index.md") else 1  # the title line, or the file name the slug came from
    project.expect_error([f"content/{first}:{line}: URL /2020/01/{slug}/ is also claimed by "
                          f'content/{second}:{line} (give one of them its own "slug:")'])


def test_P2_explicit_url_collides_with_permalink(project: Project) -> None:
    project.article("a.md", "title: Owner\ndate: 2020-03-05T09:00:00Z\nurl: /2020/03/first/\n")
    project.expect_error(["content/a.md:4: URL /2020/03/first/ is also claimed by "
                          'content/2020/first.md:1 (give one of them its own "url:")'])


# -- P3: an article on a generated path ---------------------------------------------------------

@pytest.mark.parametrize(("slug", "owner"), [
    ("tags", "the tag pages"), ("index", "the home page"), ("search", "the search page"),
    ("pagefind", "the search index"), ("404", "the 'not found' page"),
])
def test_P3_slug_on_a_generated_path(tmp_path: Path, slug: str, owner: str) -> None:
    project = make_project(tmp_path / "archive", CONFIG + "permalinks: /{slug}/\n")
    project.article("bad.md", f'title: Reserved\ndate: 2020-01-01\nslug: "{slug}"\n')
    project.expect_error([f"content/bad.md:4: URL /{slug}/ is reserved for {owner}"])


@pytest.mark.parametrize(("front_matter", "expected"), [
    ("slug: feed.xml", 'content/bad.md:4: "slug" must be lowercase letters, digits and hyphens, '
                       'got "feed.xml"'),
    ("slug: sitemap.xml", 'content/bad.md:4: "slug" must be lowercase letters, digits and '
                          'hyphens, got "sitemap.xml"'),
    ("url: /404.html", "content/bad.md:4: URL /404.html is reserved for the 'not found' page"),
    ("url: /index.html", "content/bad.md:4: URL /index.html is reserved for the home page"),
    ("url: /sitemap-1.html", "content/bad.md:4: URL /sitemap-1.html is reserved for the sitemap"),
    ("url: /tags/syria/", "content/bad.md:4: URL /tags/syria/ is reserved for the tag pages"),
    ("url: /2021/", "content/bad.md:4: URL /2021/ is also the path of the 2021 archive"),
    ("url: /2021/04/", "content/bad.md:4: URL /2021/04/ is also the path of the 2021-04 archive"),
])
def test_P3_url_on_a_generated_path(project: Project, front_matter: str, expected: str) -> None:
    project.article("bad.md", f"title: Reserved\ndate: 2020-01-01\n{front_matter}\n")
    project.expect_error([expected])


# -- P4: case and Unicode normal forms ----------------------------------------------------------

def test_P4_tag_case_makes_one_tag_page(project: Project) -> None:
    project.article("a.md", "title: Upper\ndate: 2020-01-01\ntags: [Syria]\n")
    project.article("b.md", "title: Lower\ndate: 2020-01-02\ntags: [syria]\n")
    project.article("c.md", "title: NFD\ndate: 2020-01-03\n"
                            f"tags: [\"{unicodedata.normalize('NFD', 'Café')}\"]\n")
    project.article("d.md", f"title: NFC\ndate: 2020-01-04\n"
                            f"tags: [\"{unicodedata.normalize('NFC', 'Café')}\"]\n")
    project.expect_success()
    tag_dirs = sorted({name.split("/")[1] for name in project.files() if name.startswith("tags/")
                       and name.count("/") > 1})
    assert tag_dirs == ["cafe", "syria", "turkey"]
    syria = project.page("tags/syria/index.html")
    assert all(title in syria for title in ("Upper", "Lower", "First article"))
    cafe = project.page("tags/cafe/index.html")
    assert "NFD" in cafe and "NFC" in cafe


@pytest.mark.parametrize(("first", "second"), [
    ("Foo.md", "foo.md"),
    (unicodedata.normalize("NFD", "Café au lait.md"), unicodedata.normalize("NFC", "Café au lait.md")),
])
def test_P4_same_path_by_case_or_normal_form(project: Project, first: str, second: str) -> None:
    project.article(first, 'title: "One"\ndate: 2020-01-01T10:00:00Z\n')
    project.article(second, 'title: "Two"\ndate: 2020-01-01T10:00:00Z\n')
    slug = "foo" if first == "Foo.md" else "cafe-au-lait"
    project.expect_error([f"content/{second}:1: URL /2020/01/{slug}/ is also claimed by "
                          f'content/{first}:1 (give one of them its own "slug:")'])


# -- P5: scripts, reserved names, percent-encoding ----------------------------------------------

P5_TITLES = ["سوريا", "İstanbul", "ıstanbul ılık", "Straße ß", "东京 大阪", "🔥🎉", "🔥", "con", "nul",
             "com1", "LPT9", "name.", "aux.txt", "...", "Привет, мир! " * 30]


def test_P5_slugs_are_deterministic_non_empty_and_portable(project: Project, tmp_path: Path) -> None:
    for number, title in enumerate(P5_TITLES):
        project.article(f"p5-{number:02d}.md",
                        f"title: {json.dumps(title, ensure_ascii=False)}\n"
                        f"date: 2020-01-{number + 1:02d}\n")
    project.expect_success()
    first = tree_bytes(project.site)
    dirs = sorted(d for d in article_dirs(project) if d.startswith("2020/01/"))
    assert len(dirs) == len(P5_TITLES)
    for site_path in dirs:
        slug = site_path.rsplit("/", 1)[1]
        assert PORTABLE_SEGMENT.fullmatch(slug), slug
        assert len(slug.encode()) <= 255
        assert slug.split(".")[0] not in WINDOWS_RESERVED, slug
    # Deterministic: a second build (and a copy of the project elsewhere) gives the same bytes.
    project.expect_success()
    assert tree_bytes(project.site) == first
    copy = tmp_path / "copy"
    shutil.copytree(project.root, copy, ignore=shutil.ignore_patterns("site", ".archivegen"))
    build(BuildOptions(config_path=copy / "site_config.yaml", workers=1))
    assert pages_bytes(copy / "site") == pages_bytes(project.site)
    for url in site_urls(project):
        assert RFC3986_URL.fullmatch(url), url


@pytest.mark.parametrize("base_url", [
    "https://example.org/архив 2/",
    "https://example.org/a&b/",
    "https://пример.рф/archive/",
])
def test_P5_urls_are_percent_encoded_in_sitemap_and_feeds(tmp_path: Path, base_url: str) -> None:
    project = make_project(tmp_path / "archive",
                           f"title: Test archive\nbase_url: {json.dumps(base_url)}\n")
    project.article("ar.md", 'title: "سوريا"\ndate: 2020-01-01\ntags: ["İstanbul", "東京"]\n')
    project.expect_success()
    urls = site_urls(project)
    assert urls
    for url in urls:
        assert RFC3986_URL.fullmatch(url), url
    for name, data in project.files(".html").items():
        for tag, attrs in parse_html(data.decode()).tags:
            for attribute in ("href", "src"):
                if attribute in attrs:
                    assert attrs[attribute].isascii() and " " not in attrs[attribute], \
                        f"{name}: <{tag} {attribute}={attrs[attribute]!r}>"


# -- P7: output_dir that would destroy the project ----------------------------------------------

@pytest.mark.parametrize(("via", "output_dir", "reason"), [
    *(("config", output_dir, reason) for output_dir, reason in [
        (".", "{project} is the project folder"),
        ("content", "{project}/content is the content folder"),
        ("content/", "{project}/content is the content folder"),
        ("content/2020", "{project}/content/2020 is inside the content folder"),
        ("templates", "{project}/templates is the templates folder"),
        ("..", "{parent} contains the project folder"),
        ("/", "/ is the filesystem root or your home folder"),
        ("~", "{home} is the filesystem root or your home folder"),
    ]),
    ("cli", ".", "{project} is the project folder"),
    ("cli", "content", "{project}/content is the content folder"),
    ("cli", "..", "{parent} contains the project folder"),
    ("cli", "/", "/ is the filesystem root or your home folder"),
    ("cli", "~", "{home} is the filesystem root or your home folder"),
])
def test_P7_destructive_output_dir_is_refused(project: Project, tmp_path: Path, via: str,
                                              output_dir: str, reason: str) -> None:
    home = tmp_path / "home"
    sentinels = [project.write(name, "keep me\n") for name in
                 ("sentinel.txt", "content/sentinel.txt", "templates/sentinel.txt")]
    home.mkdir()
    sentinels.append(home / "sentinel.txt")
    sentinels[-1].write_text("keep me\n")
    sentinels.append(tmp_path / "sentinel.txt")
    sentinels[-1].write_text("keep me\n")
    env = {"HOME": str(home)}
    shown = reason.format(project=project.root.resolve(), parent=tmp_path.resolve(), home=home)
    message = f"refusing to build into {shown}; choose a separate folder such as 'site'"
    if via == "config":
        project.config(f"output_dir: '{output_dir}'\n")
        project.expect_error([f"site_config.yaml: output_dir: {message}"], env=env)
    else:
        if output_dir == "~":
            output_dir = str(home)  # a shell expands ~ before archivegen sees it
        # The error blames the option the path came from, not the config file.
        project.expect_error([f"--output: {message}"], "--output", output_dir, env=env)
    for sentinel in sentinels:
        assert sentinel.read_text() == "keep me\n"


def test_P7_parent_of_content_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path / "archive", CONFIG + "content_dir: data/articles\n"
                                                          "output_dir: site\n",
                           articles={}, files={f"data/articles/{k}": v for k, v in
                                               GOOD_ARTICLES.items()})
    project.write("data/notes.txt", "keep me\n")
    project.config("content_dir: data/articles\noutput_dir: data\n")
    project.expect_error([f"site_config.yaml: output_dir: refusing to build into "
                          f"{(project.root / 'data').resolve()} contains the content folder; "
                          "choose a separate folder such as 'site'"])
    assert (project.root / "data/notes.txt").read_text() == "keep me\n"
    assert (project.root / "data/articles/second.md").exists()


# -- X1-X3: sanitizing ----------------------------------------------------------------------------

X1_BODY = """\
<script>window.__xss = 1</script>
<img src=x onerror="window.__xss = 1">
<svg onload="window.__xss = 1"><circle r="1"/></svg>
<iframe src="https://evil.example/"></iframe>
<object data="https://evil.example/x.swf"></object>
<embed src="https://evil.example/x.swf">
<form action="https://evil.example/"><input name="q">
<button formaction="javascript:alert(1)">go</button></form>
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<style>body { display: none }</style>
<link rel="stylesheet" href="https://evil.example/x.css">
<details open ontoggle="window.__xss = 1">toggle</details>
<a href="https://example.com/" target="_blank">a new tab</a>
<a id="__xss" name="__xss" href="#top">clobbering</a>
<p style="background:url(javascript:alert(1))" onclick="window.__xss = 1">styled</p>
<noscript><p title="</noscript><img src=x onerror=alert(1)>">n</p></noscript>
<template><img src=x onerror=alert(1)></template>

After the <b>HTML</b>.

<math><mtext><table><mglyph><style><img src=x onerror="window.__xss = 1">
"""


def test_X1_dangerous_html_is_removed(project: Project) -> None:
    project.article("x1.md", "title: Raw HTML\ndate: 2020-01-01\n", X1_BODY)
    project.expect_success()
    page = project.page("2020/01/x1/index.html")
    assert "After the <b>HTML</b>." in page
    assert "evil.example" not in page and "__xss = 1" not in page
    assert 'id="__xss"' not in page and 'name="__xss"' not in page
    assert 'rel="noopener noreferrer"' in page
    assert_site_is_inert(project)


X2_LINKS = [
    "[a](javascript:alert(1))", "[b](JaVaScRiPt:alert(1))", "[c](&#106;avascript:alert(1))",
    "[d](java\tscript:alert(1))", "[e](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[f](vbscript:msgbox(1))", "[g](<javascript:alert(1)>)", "![h](javascript:alert(1))",
    '<a href="java&#x09;script:alert(1)">i</a>', '<a href=" javascript:alert(1)">j</a>',
    '<a href="&#x6A;avascript:alert(1)">k</a>', '<a href="javascript&colon;alert(1)">l</a>',
    '<a href="data:text/html,<script>alert(1)</script>">m</a>', '<img src="javascript:alert(1)">',
    '<a href="vbscript:msgbox(1)">n</a>', "[o]: javascript:alert(1)\n\n[o]",
    "<javascript:alert(1)>", '<a href="&#0000106avascript:alert(1)">p</a>',
]


def test_X2_dangerous_urls_are_dropped(project: Project) -> None:
    project.article("x2.md", "title: Links\ndate: 2020-01-01\nsource: 'javascript:alert(1)'\n",
                    "\n\n".join(X2_LINKS) + "\n\n[safe](https://example.com/safe)\n")
    result = project.expect_success()
    assert result.stderr == ('warning: content/x2.md:4: "source" is not an http(s) URL, ignored: '
                             "javascript:alert(1)\n")
    page = project.page("2020/01/x2/index.html")
    assert 'href="https://example.com/safe"' in page
    assert_site_is_inert(project)
    for name, data in project.files().items():
        for scheme in (b"javascript:", b"vbscript:", b"data:text"):
            assert not re.search(rb"(href|src|action)=[\"']?\s*" + scheme, data, re.IGNORECASE), name


X3_TITLE = "\"><img src=x onerror=alert(1)></script><script>alert(1)</script>"
X3_SUMMARY = "</script><script>alert(2)</script><!-- & <b onmouseover=alert(3)>"


def test_X3_hostile_metadata_is_escaped_everywhere(project: Project) -> None:
    project.article("x3.md", f"title: {json.dumps(X3_TITLE)}\ndate: 2020-01-01\n"
                             f"summary: {json.dumps(X3_SUMMARY)}\n"
                             f"tags: [{json.dumps('<svg onload=alert(4)>')}, Syria]\n"
                             f"authors: [{json.dumps('</script><img src=x onerror=alert(5)>')}]\n")
    project.expect_success()
    assert_site_is_inert(project)
    escaped_title = html.escape(X3_TITLE)
    article_path = next(d for d in article_dirs(project) if d.startswith("2020/01/"))
    page = project.page(f"{article_path}/index.html")
    parsed = parse_html(page)
    meta = {attrs.get("property") or attrs.get("name"): attrs.get("content")
            for tag, attrs in parsed.tags if tag == "meta"}
    assert meta["og:title"] == X3_TITLE and meta["og:description"] == X3_SUMMARY
    assert meta["description"] == X3_SUMMARY
    assert re.search(r"<title>(.*) · Test archive</title>", page)[1] == \
        escaped_title.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    (json_ld,) = parsed.scripts
    data = json.loads(json_ld)
    assert data["headline"] == X3_TITLE and data["description"] == X3_SUMMARY
    assert data["author"] == [{"@type": "Person", "name": "</script><img src=x onerror=alert(5)>"}]
    # Listings: home, the tag pages, the year and month archives show the title as text.
    for listing in ("index.html", "tags/syria/index.html", "2020/index.html",
                    "2020/01/index.html", "tags/index.html"):
        text = project.page(listing)
        assert "<img src=x" not in text and "<script>alert" not in text, listing
    assert "&lt;svg onload=alert(4)&gt;" in project.page("tags/index.html")
    roots = parse_every_xml_file(project)
    for name in ("feed.xml", "rss.xml", "tags/syria/feed.xml"):
        titles = [element.text for element in roots[name].iter() if element.tag.endswith("title")]
        if name == "rss.xml":  # RSS text is HTML-escaped once more (readers render it as HTML; X6)
            titles = [html.unescape(title or "") for title in titles]
        assert X3_TITLE in titles, name


# -- X5: XML that parses ------------------------------------------------------------------------

X5_TEXT = "A & B < C > D ]]> E \\v F \\x0b G \\x01 H \\x7f I \\x85 J \\uFFFE K \\uFFFF L"


def test_X5_feeds_and_sitemaps_parse_strictly(tmp_path: Path) -> None:
    project = make_project(tmp_path / "archive", CONFIG + 'description: "Desc & <x> ]]> \\x01"\n'
                                                          'author: "Desk \\x0b & co"\n')
    project.article("x5.md", f'title: "{X5_TEXT}"\ndate: 2020-01-01\nsummary: "{X5_TEXT}"\n'
                             f'tags: ["{X5_TEXT}"]\nauthors: ["{X5_TEXT}"]\n'
                             "source: 'javascript:alert(1)'\n",
                    "Body & < ]]> \x0b \x01 \x7f \ufffe \uffff <![CDATA[ x ]]> text\n")
    project.article("x5b.md", "title: Source\ndate: 2020-01-02\n"
                              "source: 'https://example.com/a?b=1&c=<2>'\n")
    project.expect_success()
    roots = parse_every_xml_file(project)
    assert len(roots) >= 5  # feed, rss, sitemap and the tag feeds
    controls = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
    for name, data in project.files().items():
        text = data.decode("utf-8")
        assert not controls.search(text), f"{name}: {controls.search(text)!r}"
        assert "javascript:" not in text, name
    feed = roots["feed.xml"]
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert "A & B < C > D ]]> E F G H I J K L" in titles
    assert_site_is_inert(project)


# -- B1: template errors ------------------------------------------------------------------------

ARTICLE_OVERRIDE = '{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }}</h1>\n'


# -- B2: exception and signal mid-build ---------------------------------------------------------

B2_ARTICLES = 450  # enough pages for the parallel renderer and a build of about a second


@pytest.fixture(scope="session")
def built_big_archive(tmp_path_factory: pytest.TempPathFactory) -> Project:
    body = "A paragraph of a generated article, long enough to take a little rendering time. " * 8
    articles = {f"{n // 100}/a{n:04d}.md": f"---\ntitle: Article {n}\ndate: 2020-{n % 12 + 1:02d}-"
                                           f"{n % 28 + 1:02d}T{n % 24:02d}:00:00Z\ntags: [t{n % 25}]\n"
                                           f"---\n{body}\n\n{body}\n"
                for n in range(B2_ARTICLES)}
    return make_project(tmp_path_factory.mktemp("big") / "archive", articles=articles)


@pytest.fixture
def big_project(tmp_path: Path, built_big_archive: Project) -> Project:
    root = tmp_path / "archive"
    shutil.copytree(built_big_archive.root, root, symlinks=True)
    return Project(root, built_big_archive.baseline)


def test_B2_exception_in_one_article_mid_build(big_project: Project) -> None:
    big_project.write("templates/article.html", ARTICLE_OVERRIDE
                      + '{% if article.title == "boom" %}{{ undefined_in_boom.x }}{% endif %}\n'
                        "{{ content|safe }}\n{% endblock %}\n")
    big_project.article("mid/boom.md", "title: boom\ndate: 2020-06-15T12:00:00Z\n")
    big_project.expect_error(["templates/article.html:4: template error: 'undefined_in_boom' is "
                              "undefined (page /2020/06/boom/ of content/mid/boom.md)"])
    (big_project.root / "content/mid/boom.md").unlink()
    big_project.expect_success()
    assert len(article_dirs(big_project)) == B2_ARTICLES


# Sends the signal from inside an at-fork hook, i.e. while the render workers are being forked:
# Python swallows an exception raised there, so only the build's own check can stop it.
SIGNAL_DURING_FORK = """\
import os, signal, sys
os.register_at_fork(after_in_parent=lambda: (os.kill(os.getpid(), {signum}), sum(range(10_000))))
from archivegen.cli import main
main(["build", "--workers", "2"])
"""


@pytest.mark.parametrize(("signum", "when"), [
    (signal.SIGTERM, "staging"), (signal.SIGINT, "staging"), (signal.SIGKILL, "staging"),
    (signal.SIGTERM, "fork"), (signal.SIGINT, "fork"),
    (signal.SIGTERM, "pending"), (signal.SIGINT, "pending"), (signal.SIGKILL, "pending"),
], ids=["SIGTERM", "SIGINT", "SIGKILL", "SIGTERM-while-forking", "SIGINT-while-forking",
        "SIGTERM-incremental", "SIGINT-incremental", "SIGKILL-incremental"])
def test_B2_signal_mid_build(big_project: Project, signum: int, when: str) -> None:
    """Stop a build while it renders into its staging (or pending) folder; the old site must survive.

    The copied project's first build is a full one (the build state names another output
    folder); "pending" builds it once first, so the interrupted build is incremental.
    """
    if when == "pending":
        big_project.expect_success()
        big_project.baseline = tree_bytes(big_project.site)
        when = "staging"  # wait for the work folder, whichever kind
    big_project.article("late.md", "title: Added later\ndate: 2022-01-01\n")
    if when == "fork":
        command = [sys.executable, "-c", SIGNAL_DURING_FORK.format(signum=int(signum))]
    else:
        command = [ARCHIVEGEN, "build"]
    process = subprocess.Popen(command, cwd=big_project.root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    if when == "staging":
        deadline = time.monotonic() + 30
        while not big_project.staging_dirs():
            assert process.poll() is None, "the build ended before it could be interrupted"
            assert time.monotonic() < deadline, "no staging folder appeared"
            time.sleep(0.005)
        process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode != 0, stdout
    text = stderr.decode()
    assert "Traceback" not in text and "Exception ignored" not in text, text
    if signum == signal.SIGTERM:
        assert text.splitlines() == ["archivegen: interrupted by signal 15; the previous output is "
                                     "unchanged"]
        assert process.returncode == 1
    elif signum == signal.SIGINT:
        assert text.splitlines() == ["archivegen: interrupted; the previous output is unchanged"]
        assert process.returncode == 130
    assert tree_bytes(big_project.site) == big_project.baseline
    if signum != signal.SIGKILL:
        assert big_project.staging_dirs() == []  # discarded on the way out
    else:
        assert big_project.staging_dirs(), "SIGKILL cannot clean up: a stale staging folder remains"
    big_project.expect_success()
    assert big_project.staging_dirs() == []
    assert "Added later" in big_project.page("index.html")


def test_B2_render_workers_die_with_a_killed_build(big_project: Project) -> None:
    """SIGKILL cannot be handled; the workers must not outlive the build holding its pipes."""
    import psutil

    process = subprocess.Popen([ARCHIVEGEN, "build", "--workers", "2"], cwd=big_project.root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 30
    workers: list[psutil.Process] = []
    while len(workers) < 2:
        assert process.poll() is None, "the build ended before its workers started"
        assert time.monotonic() < deadline, "no render workers appeared"
        workers = parent.children()
        time.sleep(0.005)
    process.kill()
    process.wait(timeout=10)
    gone, alive = psutil.wait_procs(workers, timeout=5)
    assert not alive, f"workers outlived the killed build: {[w.pid for w in alive]}"
    assert tree_bytes(big_project.site) == big_project.baseline


# -- B3: output write failures ------------------------------------------------------------------

def test_B3_output_path_is_a_file(project: Project) -> None:
    project.write("out.txt", "a file\n")
    project.expect_error([f"{(project.root / 'out.txt').resolve()}: output path exists and is not "
                          "a directory"], "--output", "out.txt")
    assert (project.root / "out.txt").read_text() == "a file\n"


def test_B3_output_parent_is_a_file(project: Project) -> None:
    project.write("out.txt", "a file\n")
    project.expect_error([f"{(project.root / 'out.txt').resolve()}: cannot create the staging "
                          "folder: File exists"], "--output", "out.txt/site")
    assert (project.root / "out.txt").read_text() == "a file\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions, so EACCES cannot "
                                                "be provoked with chmod")
def test_B3_read_only_output_parent(project: Project, tmp_path: Path) -> None:
    parent = tmp_path / "read-only"
    (parent / "site").mkdir(parents=True)
    (parent / "site" / "old.html").write_text("old\n")
    parent.chmod(0o555)
    try:
        result = project.run("--output", str(parent / "site"))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert re.fullmatch(re.escape(str(parent)) + r"/\.site\.staging-[^:]+: cannot create the "
                            r"staging folder: Permission denied\n", result.stderr), result.stderr
        assert (parent / "site" / "old.html").read_text() == "old\n"
        assert tree_bytes(project.site) == project.baseline
    finally:
        parent.chmod(0o755)


def _file_size_limit(limit: int) -> Callable[[], None]:
    """Make writes past ``limit`` bytes fail with EFBIG: a disk-full stand-in that root obeys."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get the error instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("where", ["page", "static file"])
def test_B3_write_fails_mid_build(project: Project, where: str) -> None:
    """ENOSPC itself needs a full filesystem; EFBIG from RLIMIT_FSIZE fails the same write()."""
    if where == "page":
        project.article("long.md", "title: Long\ndate: 2020-01-01\n", "Words. " * 40_000)
        limit, shown = 100_000, r"\.site\.staging-[^/]+/2020/01/long/index\.html"
    else:
        project.write("static/big.bin", b"\0" * 300_000)
        limit, shown = 200_000, r"\.site\.staging-[^/]+/big\.bin"  # static/ is copied to the root
    action = "write" if where == "page" else "copy"
    # The page's rendered body is cached in the build state before the page is written, so the
    # write that fails first may be the state database's: either must be reported cleanly.
    pattern = re.compile(re.escape(str(project.root.resolve())) + "/(?:" + shown
                         + f": cannot {action}: File too large|\\.archivegen/state\\.sqlite: "
                         "cannot update the build state: .+)")
    project.expect_error(pattern, preexec=_file_size_limit(limit))


# -- B7: site_config.yaml validation ------------------------------------------------------------

KNOWN_SETTINGS = ("title, base_url, description, language, timezone, author, publisher, content_dir, "
                  "templates_dir, static_dir, output_dir, per_page, pagination, feed_items, permalinks, "
                  "tags, taxonomies, deploy, import")


def test_B7_every_config_problem_in_one_run(project: Project, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    project.write("site_config.yaml", f"""\
title: Test archive
base_url: https://example.org/archive/
per_pgae: 10
feed_items: fifty
per_page: yes
timezone: Mars/Olympus
author: !!python/object/apply:os.system ["touch {marker}"]
tags:
  Syria:
    patterns: ['(unclosed', '\\bok\\b', '[z-a]']
    min_mention: 2
  Turkey: 5
""")
    project.expect_error([
        "site_config.yaml:3: per_pgae: unknown setting (did you mean per_page?)",
        "site_config.yaml:4: feed_items: expected a whole number, got a string (fifty)",
        "site_config.yaml:5: per_page: expected a whole number, got a boolean (true)",
        "site_config.yaml:6: timezone: unknown time zone Mars/Olympus (use an IANA name such as "
        "Europe/Berlin)",
        "site_config.yaml:7: author: YAML tag !!python/object/apply:os.system is not allowed",
        "site_config.yaml:10: tags.Syria.patterns.0: bad regular expression '(unclosed': missing ), "
        "unterminated subpattern at position 0",
        "site_config.yaml:10: tags.Syria.patterns.2: bad regular expression '[z-a]': bad character "
        "range z-a at position 1",
        "site_config.yaml:11: tags.Syria.min_mention: unknown setting (did you mean min_mentions?)",
        "site_config.yaml:12: tags.Turkey: expected a list of keywords or a mapping, got a number (5)",
    ])
    assert not marker.exists()


# -- issue 13: every problem of a file located and reported in one run -------------------------

def test_every_problem_of_an_article_in_one_run(project: Project) -> None:
    project.article("bad.md", "title: Many problems\ndate: 2020-02-30\ndraft: maybe\n"
                              "slug: Not A Slug\ntgas: [Syria]\nlanguage: 12345\n")
    project.expect_error([
        'content/bad.md:3: "date" is not a parsable date: "2020-02-30" (use ISO 8601, e.g. '
        '2020-03-05T11:15:00+03:00)',
        'content/bad.md:4: "draft" must be true or false',
        'content/bad.md:5: "slug" must be lowercase letters, digits and hyphens, got "Not A Slug"',
        'content/bad.md:6: unknown field "tgas" (did you mean "tags"?)',
        'content/bad.md:7: "language" must be a code such as en or pt-BR, got "12345"',
    ])


def test_unknown_field_without_a_near_name_lists_the_known_ones(project: Project) -> None:
    project.article("bad.md", "title: T\ndate: 2020-01-01\nxyzzy: 1\n")
    project.expect_error(['content/bad.md:4: unknown field "xyzzy" (known: title, date, updated, '
                          "tags, summary, source, authors, slug, url, draft, language, source_file, "
                          'content_hash, import_hash, aliases, captured)'])


@pytest.mark.parametrize(("value", "side", "limit"), [
    ("9999-12-31T23:00:00-05:00", "after", 9999),
    ("0001-01-01T00:00:00+05:00", "before", 1),
])
def test_F4_dates_pushed_out_of_range_by_their_offset(project: Project, value: str, side: str,
                                                      limit: int) -> None:
    project.article("bad.md", f"title: Dated\ndate: {value}\n")
    project.expect_error([f'content/bad.md:3: "date" is out of range: "{value}" is {side} the year '
                          f"{limit} in the site's time zone (UTC)"])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_file_with_a_bom_is_decoded(project: Project, encoding: str) -> None:
    text = "---\ntitle: Привет UTF\ndate: 2020-01-01\n---\nBody in UTF-16.\n"
    data = text.encode(encoding)
    if not encoding.endswith(("16", "32")):
        data = "\ufeff".encode(encoding) + data  # -be/-le codecs write no BOM themselves
    project.write("content/wide.md", data)
    project.expect_success()
    page = project.page("2020/01/wide/index.html")
    assert "Привет UTF" in page and "<p>Body in UTF-16.</p>" in page


def test_utf16_without_a_bom_is_refused_as_such(project: Project) -> None:
    project.write("content/wide.md", "---\ntitle: No BOM\ndate: 2020-01-01\n---\nBody\n".encode("utf-16-le"))
    project.expect_error(["content/wide.md:1: UTF-16 text without a byte-order mark: save it as UTF-8"])


def test_nul_byte_in_a_text_file_is_located(project: Project) -> None:
    project.write("content/nul.md", b"---\ntitle: T\ndate: 2020-01-01\n---\nline\nbad \x00 byte\n")
    project.expect_error(["content/nul.md:6: binary file (contains NUL bytes), not a Markdown article"])


def test_url_collision_points_at_the_slug_lines(project: Project) -> None:
    project.article("a.md", "title: One\ndate: 2020-01-01\nslug: same\n")
    project.article("b.md", "title: Two\ndate: 2020-01-02\nsummary: s\nslug: same\n")
    project.expect_error(['content/a.md:4: URL /2020/01/same/ is also claimed by content/b.md:5 '
                          '(give one of them its own "slug:")'])


def test_import_refusal_of_a_whole_input_is_located(project: Project) -> None:
    page = project.write("page.txt", "Home\n\nShort title\n\nToo short.\n")
    dump = project.write("dump.json", "")
    done = subprocess.run([ARCHIVEGEN, "import", str(page), str(dump)], cwd=project.root,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{page}:1: no article text found in the text dump (only navigation, or too little prose)",
        f"{dump}:1: empty file: no records"]


# -- F8: raw HTML nesting and pathological markup cost bounded time per article ----------------

def test_F8_deep_raw_html_is_flattened(project: Project) -> None:
    depth = 20_000  # without the cap: 20,000 nested divs in the page, and ~1.5 s of nh3 alone
    project.article("deep.md", "title: Deep\ndate: 2020-01-01\n", "<div>" * depth + "deep text\n")
    result = project.expect_success(preexec=limit_memory, timeout=BUDGET_SECONDS * 4)
    page = project.page("2020/01/deep/index.html")
    assert "deep text" in page
    assert page.count("<div") <= 100 + 10  # MAX_HTML_DEPTH, plus the theme's own
    assert result.seconds < BUDGET_SECONDS


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param(b"<div>\n", "content/bad.md:20005: the body has more than 20,000 lines; articles are "
                             "limited to that so that each renders in about a second", id="nested-lines"),
    pytest.param(b"<div>", "content/bad.md:5: the body has more than 50,000 markup characters "
                           "(< * _ [ ` &); articles are limited to that so that each renders in about "
                           "a second", id="nested-one-line"),
    pytest.param(b"- a\n", "content/bad.md:20005: the body has more than 20,000 lines; articles are "
                           "limited to that so that each renders in about a second", id="list-items"),
])
def test_F8_8MB_of_pathological_markup_is_a_located_error(project: Project, body: bytes,
                                                          expected: str) -> None:
    """Without the caps these take minutes (markdown-it per line, nh3 per depth squared)."""
    with open(project.root / "content/bad.md", "wb") as handle:
        handle.write(HOSTILE_HEADER.encode())
        handle.write(body * (8 * 1024 * 1024 // len(body) - 100))
    result = project.expect_error([expected], preexec=limit_memory, timeout=BUDGET_SECONDS * 4)
    assert result.seconds < BUDGET_SECONDS


# -- P6: symlinks in content/ -------------------------------------------------------------------

def test_P6_symlinks_are_skipped_with_a_warning(project: Project, tmp_path: Path) -> None:
    content = project.root / "content"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.md").write_text("---\ntitle: Outside\ndate: 2020-01-01\n---\nNo.\n")
    (content / "loop").symlink_to(".")
    (content / "self.md").symlink_to("self.md")
    (content / "a.md").symlink_to("b.md")
    (content / "b.md").symlink_to("a.md")
    (content / "passwd.md").symlink_to("/etc/passwd")
    (content / "broken.md").symlink_to("missing.md")
    (content / "elsewhere").symlink_to(outside)
    expected = ["warning: content/a.md: symlink loop skipped",
                "warning: content/b.md: symlink loop skipped",
                "warning: content/broken.md: broken symlink skipped",
                "warning: content/elsewhere: symlinked directory not followed",
                "warning: content/loop: symlinked directory not followed",
                "warning: content/passwd.md: symlink to a file outside the content folder skipped",
                "warning: content/self.md: symlink loop skipped"]
    for _ in range(2):  # a full build, then an incremental one (content/incremental.py's scan)
        result = project.expect_success(timeout=BUDGET_SECONDS * 4)
        assert sorted(result.stderr.splitlines()) == expected
    assert "root:" not in b"".join(project.files().values()).decode("utf-8", "replace")


# -- B1: template errors name the page and speak in template terms -----------------------------

def test_B1_template_error_names_the_article_it_failed_on(project: Project) -> None:
    project.write("templates/article.html", ARTICLE_OVERRIDE + "{{ article.authors[0] }}\n{% endblock %}\n")
    project.article("with.md", "title: With\ndate: 2022-01-01\nauthors: [Someone]\n")
    project.expect_error(["templates/article.html:4: template error: 'article.authors' has no "
                          "element 0 (page /2021/04/second/ of content/second.md)"])
