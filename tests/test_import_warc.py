"""Web archives in, articles out: WARC (plain and gzipped) and WACZ inputs of ``archivegen import``.

The archives are written here by warcio itself, the library the importer reads them with,
around real corpus pages read in place from ../shared/corpus: a crawl with two captures of one
URL, a page without a date of its own, a revisit, a request, a 404, an image and a warcinfo
record. A truncated copy checks that a damaged crawl still gives what precedes the damage.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archivegen.importing.run import ImportOptions, run_import
from archivegen.importing.webarchive import archive_members, scan_archives
from tests.conftest import SHARED
from tests.test_import import Archive

CORPUS = SHARED / "corpus"
GUARDIAN = CORPUS / "fundus-testdata" / "test_data" / "uk" / "TheGuardian_2024_02_24.html.gz"
BBC = CORPUS / "fundus-testdata" / "test_data" / "uk" / "BBC_2024_08_01.html.gz"
UNDATED = CORPUS / "trafilatura-eval" / "eval" / "backen.de.maulwurfkuchen.html.gz"  # no date in the page
STORY_URL = "https://www.theguardian.com/world/2024/feb/24/valencia-fire"
RECIPE_URL = "https://www.backen.de/rezepte/maulwurfkuchen"
OLDER, NEWER, RECIPE_DATE = "2024-02-24T12:00:00Z", "2024-02-25T08:30:00Z", "2024-05-06T07:08:09Z"
CONFIG = "title: WARC test\nbase_url: https://example.org/\ntimezone: UTC\n"


def page(path: Path) -> bytes:
    if not path.is_file():
        pytest.skip(f"{path} not available")
    return gzip.decompress(path.read_bytes())


@dataclass
class Crawl:
    """A WARC written by warcio: every kind of record an import must pass over, and two pages."""

    gzip: bool = True

    def bytes(self, all_kinds: bool = True) -> bytes:
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=self.gzip)
        writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))
        # the story's older capture holds another page: only the newer one may be imported
        self._response(writer, STORY_URL, page(BBC), OLDER)
        if all_kinds:
            writer.write_record(writer.create_warc_record(
                STORY_URL, "request", payload=io.BytesIO(b"GET /world HTTP/1.1\r\nHost: x\r\n\r\n")))
            self._response(writer, "https://www.theguardian.com/missing", b"<html><p>Not found</p></html>",
                           OLDER, status="404 Not Found")
            self._response(writer, "https://www.theguardian.com/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64),
                           OLDER, content_type="image/png")
        self._response(writer, STORY_URL, page(GUARDIAN), NEWER)
        if all_kinds:
            writer.write_record(writer.create_revisit_record(
                STORY_URL, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", STORY_URL, NEWER,
                warc_headers_dict={"WARC-Date": "2024-02-26T08:30:00Z"}))
            writer.write_record(writer.create_warc_record(
                STORY_URL, "metadata", payload=io.BytesIO(b"via: https://www.theguardian.com/\r\n"),
                warc_content_type="application/warc-fields"))
        self._response(writer, RECIPE_URL, page(UNDATED), RECIPE_DATE)
        return out.getvalue()

    @staticmethod
    def _response(writer: WARCWriter, url: str, body: bytes, date: str, status: str = "200 OK",
                  content_type: str = "text/html; charset=utf-8") -> None:
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=http,
                                                      warc_headers_dict={"WARC-Date": date}))


def wacz(warc: bytes, compression: int = zipfile.ZIP_STORED) -> bytes:
    """A WACZ package as Browsertrix writes one: the WARC stored in archive/, pages listed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("datapackage.json", json.dumps({"profile": "data-package", "wacz_version": "1.1.1"}))
        package.writestr("pages/pages.jsonl", '{"format": "json-pages-1.0"}\n'
                         + json.dumps({"url": STORY_URL, "ts": NEWER}) + "\n")
        package.writestr(zipfile.ZipInfo("archive/data.warc.gz"), warc, compress_type=compression)
    return out.getvalue()


def front_matter(path: Path) -> dict[str, object]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive", CONFIG)


def test_a_gzipped_crawl_imports_its_newest_html_captures_and_counts_the_rest(archive: Archive) -> None:
    crawl = archive.write("crawl.warc.gz", Crawl(gzip=True).bytes())
    result = archive.run(crawl)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Import: 2 imported" in result.stdout
    passed = result.stdout.split("passed over: ", 1)[1]
    for count in ("1 revisit record", "1 request record", "1 metadata record", "1 warcinfo record",
                  "1 HTTP status 404", "1 image/png response", "1 older capture of a URL"):
        assert count in passed, result.stdout
    files = sorted((archive.root / "content").rglob("*.md"))
    assert len(files) == 2
    meta = {front_matter(path)["source"]: front_matter(path) for path in files}
    story = meta[STORY_URL]
    assert "Valencia" in str(story["title"])  # the newer capture (the older one held the BBC page)
    assert str(story["date"]).startswith("2024-02-24")  # the page's own date
    assert str(story["captured"]) == "2024-02-25 08:30:00+00:00"
    assert story["source_file"] == "crawl.warc.gz"
    recipe = meta[RECIPE_URL]  # no date in the page: the capture's date stands in
    assert str(recipe["date"]) == str(recipe["captured"]) == "2024-05-06 07:08:09+00:00"
    assert len(archive.articles()) == 2  # the build's reader knows `captured:`

    mtimes = archive.mtimes()
    again = archive.run(crawl)
    assert again.returncode == 0 and "Import: 2 unchanged" in again.stdout, again.stdout
    assert archive.mtimes() == mtimes


def test_a_plain_crawl_with_all_captures_keeps_each_capture_under_its_own_name(archive: Archive) -> None:
    crawl = archive.write("crawl.warc", Crawl(gzip=False).bytes())
    result = archive.run("--all-captures", crawl)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Import: 3 imported" in result.stdout and "older capture" not in result.stdout
    names = sorted(path.name for path in (archive.root / "content").rglob("*.md"))
    assert any(name.endswith("-20240224120000.md") for name in names), names
    assert any(name.endswith("-20240225083000.md") for name in names), names
    before = archive.content()
    again = archive.run("--all-captures", crawl)
    assert "Import: 3 unchanged" in again.stdout and archive.content() == before


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED],
                         ids=["stored", "deflated"])
def test_a_wacz_package_is_read_in_place(archive: Archive, compression: int) -> None:
    package = archive.write("site.wacz", wacz(Crawl().bytes(all_kinds=False), compression))
    summary = run_import(ImportOptions(archive.root / "site_config.yaml", (package,), workers=1))
    assert summary.counts["imported"] == 2, [(e.status, e.origin, e.note) for e in summary.events]
    assert summary.passed_over == {"older capture of a URL": 1, "warcinfo record": 1}
    origins = sorted(event.origin for event in summary.events)
    assert origins[0].startswith(f"{package}/archive/data.warc.gz:offset ")


def test_offsets_from_the_scan_reach_every_worker(archive: Archive) -> None:
    """Two workers extract from the offsets of one archive: the same files as one worker."""
    crawl = archive.write("crawl.warc.gz", Crawl().bytes())
    options = ImportOptions(archive.root / "site_config.yaml", (crawl,), workers=2)
    assert run_import(options).counts["imported"] == 2
    one = archive.content()
    for path in (archive.root / "content").rglob("*.md"):
        path.unlink()
    run_import(ImportOptions(archive.root / "site_config.yaml", (crawl,), workers=1))
    assert archive.content() == one


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_a_truncated_crawl_reports_where_and_imports_what_came_before(
        archive: Archive, gzipped: bool) -> None:
    whole = Crawl(gzip=gzipped).bytes()
    name = "cut.warc.gz" if gzipped else "cut.warc"
    members = archive_members(archive.write(name, whole), name, "warc")
    last = scan_archives(members).captures[-1]  # the recipe, the archive's last record
    crawl = archive.write(name, whole[: last.offset + (last.length // 2)])
    result = archive.run(crawl)
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(problems) == 1, result.stderr
    where = f"{re.escape(str(crawl))}:offset {last.offset}"
    assert re.fullmatch(rf"{where}: \S.*; the records before it were read", problems[0]), problems
    assert "1 imported" in result.stdout  # the story, before the damage
    sources = [front_matter(path)["source"] for path in (archive.root / "content").rglob("*.md")]
    assert sources == [STORY_URL]


def test_a_crawl_gzipped_as_one_stream_says_how_to_make_it_readable(archive: Archive) -> None:
    crawl = archive.write("whole.warc.gz", gzip.compress(Crawl(gzip=False).bytes()))
    result = archive.run(crawl)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{crawl}:1: gzipped as one stream"), line
    assert "'warcio recompress IN OUT'" in line


def test_the_http_charset_is_the_declared_encoding(archive: Archive) -> None:
    """A Czech page in ISO-8859-2 with no <meta charset>: detection alone reads "Přílią ľluťoučký";
    the Content-Type header says what it is."""
    title = "Příliš žluťoučký kůň úpěl ďábelské ódy"
    text = "Rada města schválila rozpočet na příští rok a zastupitelé probrali výdaje na školy. " * 6
    html = (f"<html><head><title>{title}</title>"
            f'<meta property="article:published_time" content="2021-01-12T09:30:00+00:00"></head>'
            f"<body><article><h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>")
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    Crawl._response(writer, "https://zpravy.example.cz/rozpocet", html.encode("iso-8859-2"), OLDER,
                    content_type="text/html; charset=ISO-8859-2")
    result = archive.run(archive.write("cz.warc.gz", out.getvalue()))
    assert result.returncode == 0, result.stderr
    (path,) = (archive.root / "content").rglob("*.md")
    assert front_matter(path)["title"] == title


def test_an_archive_of_only_non_articles_exits_1_and_says_what_it_held(archive: Archive) -> None:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    Crawl._response(writer, "https://x.example/logo.png", b"\x89PNG" + bytes(40), OLDER,
                    content_type="image/png")
    result = archive.run(archive.write("images.warc.gz", out.getvalue()))
    assert result.returncode == 1
    assert "nothing to import" in result.stdout and "passed over: 1 image/png response" in result.stdout


def test_a_file_that_is_no_wacz_is_one_line(archive: Archive) -> None:
    bad = archive.write("broken.wacz", b"not a zip at all")
    result = archive.run(bad)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{bad}:1: not a readable WACZ (zip) file: File is not a zip file"
