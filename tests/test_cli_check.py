"""`runshow check FILE`, run as a technician runs it the evening before the event."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core_helpers import (
    BROKEN_AGENDAS,
    BUNDLED_AGENDA,
    Broken,
    agenda_with_three_mistakes,
    bundled_document,
)


def check(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runshow", "check", *arguments],
        cwd=cwd,
        env={**os.environ, "PYTHONUTF8": "1"},
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )


def test_the_bundled_agenda_passes_with_a_summary_of_the_programme(tmp_path):
    result = check(str(BUNDLED_AGENDA), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "agenda.json: hợp lệ" in result.stdout
    assert "Số mục: 13" in result.stdout
    assert "Dự kiến kết thúc: 10:15" in result.stdout
    assert "Ngày: 2023-07-28, bắt đầu 08:00 (Asia/Ho_Chi_Minh)" in result.stdout


def test_the_summary_lists_each_item_at_its_planned_time(tmp_path):
    lines = check(str(BUNDLED_AGENDA), cwd=tmp_path).stdout.splitlines()
    item_lines = [line.strip() for line in lines if line.startswith("  ")]
    assert len(item_lines) == 13
    assert item_lines[0].startswith("08:00  Văn nghệ chào mừng")
    assert item_lines[5].startswith("08:55  Phát biểu tham luận")
    assert "Hà Nội" in item_lines[5]
    assert item_lines[12].startswith("14:00  Tham quan")


@pytest.mark.parametrize("broken", BROKEN_AGENDAS, ids=lambda broken: broken.name)
def test_a_broken_agenda_fails_the_check_naming_the_file_and_the_place(broken: Broken, tmp_path):
    path = broken.write(tmp_path)
    result = check(str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Tệp chương trình có 1 lỗi:" in result.stderr
    assert f"{path}: {broken.place}: " in result.stderr
    assert broken.message in result.stderr


def test_a_missing_file_fails_the_check(tmp_path):
    path = tmp_path / "khong-co.json"
    result = check(str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert f"{path}: không tìm thấy tệp" in result.stderr


def test_every_mistake_is_printed_on_its_own_line(tmp_path):
    path = agenda_with_three_mistakes(tmp_path)

    result = check(str(path), cwd=tmp_path)

    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Tệp chương trình có 3 lỗi:"
    assert sorted(lines[1:]) == sorted(
        [
            f'  {path}: event.start: giờ phải có dạng HH:MM, ví dụ 08:00 (nhận được "8h")',
            f'  {path}: items[2].kind: giá trị "karaoke" không hợp lệ; chỉ chấp nhận '
            '"opening", "welcome_speech", "report", "adoption", "discussion_speech", '
            '"directive_speech", "closing", "visit", "reception", "flag_salute", "ceremony", '
            '"speech", "performance", "award", "diploma", "oath", "flowers", "signing", "video", '
            '"qa", "photo", "game", "lucky_draw", "meal", "break" hoặc "other"',
            f"  {path}: items[6].duration: phải là số > 0 (nhận được 0)",
        ]
    )


def test_without_a_file_it_checks_the_agenda_json_in_the_current_folder(tmp_path):
    document = bundled_document()
    document["items"][6]["duration"] = "mười"
    (tmp_path / "agenda.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    result = check(cwd=tmp_path)
    assert result.returncode == 1
    assert 'agenda.json: items[6].duration: phải là số (nhận được "mười")' in result.stderr
