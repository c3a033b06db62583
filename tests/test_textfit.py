"""Text that will not fit the stage: measured with Be Vietnam Pro's own metrics at
the stage CSS's sizes, and checked against what Chromium actually lays out."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from playwright.sync_api import sync_playwright

from runshow.agenda import load_agenda, parse_agenda
from runshow.textfit import (
    MIN_BANNER_PX,
    banner_style,
    draft_warnings,
    fit_warnings,
    stage_layout,
    text_width,
    wrap_lines,
)
from tests.browser import launch_chromium
from tests.core_helpers import BUNDLED_AGENDA, bundled_document

LONG_TITLE = (
    "Tóm tắt một số nội dung cơ bản trong báo cáo thực hiện giao ước thi đua sáu tháng "
    "đầu năm hai nghìn không trăm hai mươi ba của Cụm thi đua năm thành phố trực thuộc "
    "Trung ương và phương hướng nhiệm vụ trọng tâm sáu tháng cuối năm"
)
LONG_BANNER = "SƠ KẾT THỰC HIỆN GIAO ƯỚC THI ĐUA 6 THÁNG ĐẦU NĂM VÀ TRIỂN KHAI NHIỆM VỤ 6 THÁNG CUỐI NĂM 2023 CỦA CỤM THI ĐUA"  # noqa: E501


def agenda_with(mutate):
    document = bundled_document()
    mutate(document)
    return parse_agenda(json.dumps(document))


def test_the_bundled_programme_fits_the_stage():
    assert fit_warnings(load_agenda(BUNDLED_AGENDA)) == []


def test_the_sizes_come_from_the_stage_css_at_1920_by_1080():
    layout = stage_layout()
    assert layout.speaker.size_px == pytest.approx(4.6 * 10.8)
    assert layout.speaker.weight == 700
    assert layout.title.size_px == pytest.approx(3.4 * 10.8)
    assert layout.banner_headline.letter_spacing_em == pytest.approx(0.06)
    assert layout.item_width == pytest.approx(1920 - 2 * 4 * 19.2)


def test_width_is_measured_from_the_glyphs_not_counted_in_characters():
    narrow, wide = "i" * 40, "W" * 40
    assert text_width(wide, 40, 700) > 3 * text_width(narrow, 40, 700)
    # A Vietnamese letter with two marks is as wide as its base letter's glyph says.
    assert text_width("Ệ", 40, 700) == pytest.approx(text_width("E", 40, 700), rel=0.05)


def test_a_title_of_three_lines_is_flagged_at_its_place():
    agenda = agenda_with(lambda d: d["items"][5].update(title=LONG_TITLE))
    (warning,) = fit_warnings(agenda)
    assert warning.place == "items[5].title"
    assert "dài 3 dòng" in warning.message
    assert "chỉ hiện được 2 dòng" in warning.message


def test_a_presenter_line_of_four_lines_is_flagged():
    def long_presenter(document):
        document["items"][6]["presenter"] = {
            "name": "Nguyễn Thị Thanh Hương",
            "role": "Phó Chủ tịch Thường trực Ủy ban nhân dân, Trưởng Ban Chỉ đạo",
            "organisation": "phong trào thi đua yêu nước Thành phố Hồ Chí Minh kiêm "
            "Trưởng ban Ban Thi đua - Khen thưởng Thành phố Hồ Chí Minh",
        }

    (warning,) = fit_warnings(agenda_with(long_presenter))
    assert warning.place == "items[6].presenter"
    assert warning.message.startswith("Dòng diễn giả dài 4 dòng")


def test_a_banner_line_that_would_shrink_below_readable_is_flagged_with_its_size():
    agenda = agenda_with(lambda d: d["event"]["banner_lines"].insert(2, LONG_BANNER))
    (warning,) = fit_warnings(agenda)
    assert warning.place == "event.banner_lines[2]"
    shrunk = int(warning.message.split("còn ")[1].split(" px")[0])
    assert shrunk < MIN_BANNER_PX
    assert "thiết kế 54 px" in warning.message


def test_runshow_check_prints_the_warnings_and_still_passes(tmp_path):
    document = bundled_document()
    document["items"][5]["title"] = LONG_TITLE
    path = tmp_path / "agenda.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "runshow", "check", str(path)],
        env={**os.environ, "PYTHONUTF8": "1"},
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Cảnh báo: 1 chữ không vừa sân khấu 1920x1080:" in result.stdout
    assert "  items[5].title: Tiêu đề dài 3 dòng" in result.stdout


# --------------------------------------------------------------------------- #
# The measurement against the browser.

SAMPLES = [
    "Phát biểu tham luận của Lãnh đạo Ủy ban nhân dân Thành phố Hồ Chí Minh",
    "CỤM THI ĐUA 5 THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG",
    "Đồng chí Đỗ Văn Chiến — Bí thư Trung ương Đảng",
    "AVATAR Toyota WAVE — Tây Yên Tử, Vũng Tàu",
]


@pytest.mark.browser
def test_widths_and_line_counts_match_what_chromium_lays_out_on_the_stage(live_server):
    layout = stage_layout()
    # (class, the body's data-audience-timer) → the style we measure with.
    styles = {
        ("item-speaker", "true"): layout.speaker,
        ("item-title", "true"): layout.title,
        ("item-speaker", "false"): layout.speaker_alone,
        ("item-title", "false"): layout.title_alone,
        ("banner-line", "true"): layout.banner_line,
        ("banner-line banner-organiser", "true"): layout.banner_organiser,
        ("banner-line banner-headline", "true"): layout.banner_headline,
    }
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{live_server.url}/stage")
        for (class_name, audience_timer), style in styles.items():
            for text in SAMPLES:
                measured = page.evaluate(
                    """async ([className, audienceTimer, text]) => {
                      document.body.dataset.audienceTimer = audienceTimer;
                      const probe = document.createElement('span');
                      probe.className = className;
                      probe.style.cssText = 'display:inline-block;white-space:nowrap;' +
                        '-webkit-line-clamp:none;position:absolute;left:0;top:0';
                      probe.textContent = text;
                      document.querySelector('.stage').append(probe);
                      // Load this weight and size of the face for these very characters
                      // (fonts.ready alone may resolve before the probe asks for them).
                      const style = getComputedStyle(probe);
                      await document.fonts.load(
                        `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`, text);
                      await document.fonts.ready;
                      const width = probe.getBoundingClientRect().width;
                      probe.remove();
                      return width;
                    }""",
                    [class_name, audience_timer, text],
                )
                ours = text_width(text, style.size_px, style.weight, style.letter_spacing_em)
                assert ours == pytest.approx(measured, rel=0.01), (class_name, audience_timer, text)
        # Line counts of a long title in the stage's own title box, unclamped.
        lines = page.evaluate(
            """async (text) => {
              document.body.dataset.audienceTimer = 'true';
              const title = document.getElementById('stage-title');
              document.getElementById('stage-item').hidden = false;
              title.style.webkitLineClamp = 'none';
              title.style.display = 'block';
              title.textContent = text;
              await document.fonts.ready;
              return Math.round(title.getBoundingClientRect().height /
                                parseFloat(getComputedStyle(title).lineHeight));
            }""",
            LONG_TITLE,
        )
        browser.close()
    ours = wrap_lines(LONG_TITLE, layout.item_width, layout.title.size_px, layout.title.weight)
    assert (ours, lines) == (3, 3)


def test_the_first_banner_line_is_the_organisers_and_short_lines_are_headlines():
    layout = stage_layout()
    assert banner_style(layout, "CỤM THI ĐUA", 0) == layout.banner_organiser
    assert banner_style(layout, "HỘI NGHỊ", 1) == layout.banner_headline
    assert banner_style(layout, "SƠ KẾT THỰC HIỆN GIAO ƯỚC", 2) == layout.banner_line


def test_without_the_audience_countdown_the_larger_lines_are_measured():
    layout = stage_layout()
    assert layout.speaker_alone.size_px == pytest.approx(8 * 10.8)
    assert layout.title_alone.size_px == pytest.approx(5 * 10.8)
    assert layout.speaker_alone.weight == layout.speaker.weight
    # Two lines at 3.4vh under a countdown; more at 5vh on a leader's speech.
    title = (
        "Phát biểu chỉ đạo của Lãnh đạo Ban Tổ chức Trung ương về công tác thi đua, khen "
        "thưởng và phong trào thi đua yêu nước của năm thành phố trực thuộc Trung ương"
    )
    assert draft_warnings({"title": title, "kind": "discussion_speech"}) == []
    (warning,) = draft_warnings({"title": title, "kind": "directive_speech"})
    assert warning.startswith("Tiêu đề dài 3 dòng")
    assert (
        draft_warnings({"title": title, "kind": "directive_speech", "timer": {"audience": True}})
        == []
    )


def test_a_draft_in_the_edit_panel_is_measured_before_it_is_sent():
    assert draft_warnings({"title": "Khai mạc", "presenter": {"name": "A", "role": "B"}}) == []
    (warning,) = draft_warnings({"title": LONG_TITLE, "presenter": None})
    assert warning.startswith("Tiêu đề dài 3 dòng")
    (banner,) = draft_warnings({"banner_lines": ["HỘI NGHỊ", "", LONG_BANNER]})
    assert "dòng băng rôn quá dài" in banner
    assert draft_warnings("nonsense") == []
    assert draft_warnings({"title": 5, "presenter": {"role": None}}) == []
