"""/print: the MC's script and the technician's run sheet, printed to PDF by Chromium
and read back with poppler (pdfinfo, pdftotext, pdftoppm)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from runshow.agenda import load_agenda
from runshow.introduction import introduction
from tests.browser import launch_chromium, login
from tests.conftest import BUNDLED_AGENDA

pytestmark = pytest.mark.browser

A4_POINTS = (595.28, 841.89)
#: 13 items with their MC scripts and the 19 delegates (pages 1-4), then the run sheet (5-6).
EXPECTED_PAGES = 6
RUN_SHEET_PAGE = 5


def poppler(tool: str, *arguments: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: `bash scripts/test` installs Debian's poppler-utils")
    return subprocess.run(
        [tool, *arguments], capture_output=True, encoding="utf-8", check=True, timeout=60
    ).stdout


def words(text: str) -> list[str]:
    return text.split()


def contains_run(haystack: list[str], needle: list[str]) -> bool:
    """True when `needle` appears in `haystack` as consecutive words."""
    first = needle[0]
    return any(
        haystack[start : start + len(needle)] == needle
        for start, word in enumerate(haystack)
        if word == first
    )


def test_print_needs_the_technician(client, technician):
    assert client.get("/print").status_code == 302
    assert technician.get("/print").status_code == 200


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    from tests.conftest import start_server, stop_server

    tmp = tmp_path_factory.mktemp("print")
    server = start_server(tmp / "data", tmp / "server.log")
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            login(page, server.url)
            page.goto(f"{server.url}/print")
            page.evaluate("document.fonts.ready")
            pdf = tmp / "kich-ban.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
            browser.close()
    finally:
        stop_server(server)
    return pdf


def test_the_printout_is_a4_with_the_expected_page_count(printed):
    info = poppler("pdfinfo", str(printed))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    width, height = (
        float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    )
    assert (width, height) == pytest.approx(A4_POINTS, abs=1)
    assert pages == EXPECTED_PAGES


def test_no_line_is_cut_and_every_word_of_the_scripts_is_on_paper(printed):
    layout = poppler("pdftotext", "-bbox", str(printed), "-")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', layout, re.S)
    assert len(pages) == EXPECTED_PAGES
    on_paper: list[str] = []
    notes_column: list[str] = []  # the run sheet's last column, read down the pages
    notes_left = None
    for number, (width, height, body) in enumerate(pages, start=1):
        for x_min, y_min, x_max, y_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            body,
        ):
            # Inside the page's printable area (15 mm = 42.5 pt margins, a little slack).
            assert float(x_min) >= 40 and float(x_max) <= float(width) - 40, word
            assert float(y_min) >= 36 and float(y_max) <= float(height) - 36, word
            word = unescape(word)
            on_paper.append(word)
            if number >= RUN_SHEET_PAGE and word == "Ghi" and notes_left is None:
                notes_left = float(x_min) - 4
            if notes_left is not None and float(x_min) >= notes_left:
                notes_column.append(word)
    agenda = load_agenda(BUNDLED_AGENDA)
    for item in agenda.items:
        assert contains_run(on_paper, words(item.title)), item.title
        if item.spec.mc_script:
            assert contains_run(on_paper, words(item.spec.mc_script)), item.id
        if item.spec.tech_notes:
            assert contains_run(notes_column, words(item.spec.tech_notes)), item.id
    for paragraph in introduction(agenda.spec.delegates):
        assert contains_run(on_paper, words(paragraph.lead))
        for line in paragraph.lines:
            assert contains_run(on_paper, words(line)), line


def test_the_run_sheet_starts_on_its_own_page_and_repeats_its_header(printed):
    pages = poppler("pdftotext", str(printed), "-").split("\f")[:EXPECTED_PAGES]
    starts = [page.lstrip() for page in pages]
    assert starts[0].startswith("KỊCH BẢN DẪN CHƯƠNG TRÌNH (MC)")
    assert [n for n, text in enumerate(starts, 1) if "BẢNG ĐIỀU PHỐI" in text] == [RUN_SHEET_PAGE]
    assert starts[RUN_SHEET_PAGE - 1].startswith("BẢNG ĐIỀU PHỐI KỸ THUẬT")
    for text in starts[RUN_SHEET_PAGE:]:
        assert text.startswith("Giờ")  # the table's header again on every page


def test_page_one_renders_with_the_event_and_the_first_items(printed, tmp_path):
    poppler("pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(printed), str(tmp_path / "p"))
    (png,) = tmp_path.glob("p*.png")
    from PIL import Image

    with Image.open(png) as picture:
        assert picture.size == (662, 936)  # A4 at 80 dpi
        inked = sum(picture.convert("L").histogram()[:128])  # pixels darker than mid-grey
        assert inked > 20_000  # text, not a blank page
    keep = os.environ.get("RUNSHOW_SCREENSHOTS")
    if keep:  # scripts: RUNSHOW_SCREENSHOTS=docs/screenshots pytest tests/test_print.py
        shutil.copy(png, Path(keep) / "print-page-1.png")
