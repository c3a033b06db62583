"""Command line: `runshow check [FILE]` and `runshow serve [...]`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runshow.agenda import Agenda

DEFAULT_AGENDA = "agenda.json"


def default_agenda() -> str:
    """`agenda.json` in the current folder, else the one bundled with Runshow."""
    from runshow import bundled

    here = Path(DEFAULT_AGENDA)
    return str(here if here.exists() else bundled(DEFAULT_AGENDA))


DEFAULT_DATA_DIR = "data"
_BASE_HELP = (
    "tệp chương trình gốc lấy thông tin sự kiện và đại biểu khi bảng không có "
    "(mặc định: agenda.json)"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runshow", description="Runshow — màn hình điều hành chương trình sự kiện trực tiếp."
    )
    sub = parser.add_subparsers(dest="action", required=True)

    check = sub.add_parser(
        "check", help="kiểm tra tệp chương trình (agenda.json, .xlsx hoặc .csv) và in tóm tắt"
    )
    check.add_argument("file", nargs="?", default=None)
    check.add_argument("--base", default=None, help=_BASE_HELP)

    imports = sub.add_parser(
        "import", help="chuyển bảng chương trình Excel (.xlsx) hoặc CSV thành agenda.json"
    )
    imports.add_argument("file", help="tệp .xlsx hoặc .csv (xem docs/sheet-format.md)")
    imports.add_argument("-o", "--output", required=True, help="tệp agenda.json sẽ ghi ra")
    imports.add_argument("--base", default=None, help=_BASE_HELP)

    export = sub.add_parser(
        "export", help="ghi chương trình đã sửa trực tiếp ra tệp agenda.json (hoặc .xlsx)"
    )
    export.add_argument("-o", "--output", required=True, help="tệp sẽ ghi ra (.json hoặc .xlsx)")
    export.add_argument(
        "--agenda", default=None, help="tệp chương trình gốc (mặc định: agenda.json)"
    )
    export.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help="thư mục lưu trạng thái")

    serve = sub.add_parser("serve", help="chạy máy chủ chương trình trên mạng LAN")
    serve.add_argument("--agenda", default=None, help="tệp chương trình (mặc định: agenda.json)")
    serve.add_argument("--host", default="0.0.0.0", help="địa chỉ lắng nghe (mặc định: mọi mạng)")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help="thư mục lưu trạng thái")
    serve.add_argument(
        "--rehearsal",
        action="store_true",
        help="tổng duyệt: chạy chương trình hôm nay, bắt đầu từ bây giờ (hoặc --start), "
        "dữ liệu riêng trong <data-dir>/rehearsal/",
    )
    serve.add_argument(
        "--start",
        default=None,
        type=_clock,
        help="giờ bắt đầu buổi tổng duyệt hôm nay, HH:MM (chỉ dùng với --rehearsal)",
    )
    serve.add_argument(
        "--fresh",
        action="store_true",
        help="bắt đầu lại từ đầu (cất trạng thái cũ, ví dụ sau buổi diễn tập, vào data/archive/)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="số tiến trình máy chủ (cần --message-queue); máy chủ phụ dùng các cổng kế tiếp",
    )
    serve.add_argument(
        "--message-queue",
        default=None,
        help="hàng đợi tin nhắn Redis chung cho các tiến trình, ví dụ redis://127.0.0.1:6379/0",
    )
    serve.add_argument("--worker-of", default=None, help=argparse.SUPPRESS)
    serve.add_argument(
        "--control-key",
        default=None,
        help="mã điều khiển của kỹ thuật viên (mặc định: RUNSHOW_CONTROL_KEY hoặc tự tạo)",
    )
    return parser


def _clock(value: str) -> str:
    from runshow.timefmt import CLOCK_RE  # not runshow.agenda: pydantic before eventlet's patch

    if not CLOCK_RE.match(value):
        raise argparse.ArgumentTypeError(
            f"giờ phải có dạng HH:MM, ví dụ 14:00 (nhận được {value!r})"
        )
    return value


def main(argv: Sequence[str] | None = None) -> int:
    # Imports stay inside the actions: `serve` must monkey-patch with eventlet
    # before anything else is loaded.
    parser = _parser()
    args = parser.parse_args(argv)
    if args.action == "serve" and args.start and not args.rehearsal:
        parser.error(
            "--start chỉ dùng cho buổi tổng duyệt: runshow serve --rehearsal --start HH:MM"
        )
    if args.action == "check":
        return check(args.file or default_agenda(), args.base)
    if args.action == "import":
        return import_sheet(args.file, args.output, args.base)
    if args.action == "export":
        return export(args.agenda or default_agenda(), args.data_dir, args.output)
    if args.workers > 1 and not args.message_queue:
        print("--workers cần --message-queue (ví dụ redis://127.0.0.1:6379/0).", file=sys.stderr)
        return 2
    if args.worker_of:
        from runshow.server import serve_display_worker

        return serve_display_worker(args.host, args.port, args.message_queue, args.worker_of)
    from runshow.server import serve  # only the server entry point touches eventlet

    return serve(
        agenda_path=args.agenda or default_agenda(),
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        control_key=args.control_key,
        rehearsal=args.rehearsal,
        rehearsal_start=args.start,
        fresh=args.fresh,
        workers=args.workers,
        message_queue=args.message_queue,
    )


def _load(path: str, base_path: str | None) -> Agenda | None:
    """The programme in `path` (JSON or a sheet), or None after printing its problems."""
    from runshow.agenda import AgendaError, load_agenda
    from runshow.sheets import SHEET_SUFFIXES, load_plan

    try:
        base = None
        if Path(path).suffix.lower() in SHEET_SUFFIXES:
            base = load_agenda(base_path or default_agenda())
        return load_plan(path, base)
    except AgendaError as error:
        print(f"Tệp chương trình có {len(error.problems)} lỗi:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {error.source}: {problem}", file=sys.stderr)
        return None


def check(path: str, base_path: str | None = None) -> int:
    agenda = _load(path, base_path)
    if agenda is None:
        return 1
    print(summary(agenda))
    from runshow.textfit import fit_warnings

    warnings = fit_warnings(agenda)
    if warnings:
        print(f"\nCảnh báo: {len(warnings)} chữ không vừa sân khấu 1920x1080:")
        for warning in warnings:
            print(f"  {warning}")
    return 0


def import_sheet(path: str, output: str, base_path: str | None = None) -> int:
    from runshow.sheets import agenda_json

    agenda = _load(path, base_path)
    if agenda is None:
        return 1
    Path(output).write_text(agenda_json(agenda), encoding="utf-8")
    print(f"Đã ghi {output}: {len(agenda.items)} mục, {len(agenda.spec.delegates)} đại biểu.")
    return 0


def export(agenda_path: str, data_dir: str, output: str) -> int:
    """The programme as the show runs it (the file with every live edit) to a file."""
    from runshow.service import ShowService
    from runshow.sheets import agenda_json, write_workbook
    from runshow.store import Store

    agenda = _load(agenda_path, None)
    if agenda is None:
        return 1
    if not (Path(data_dir) / Store.FILENAME).exists():
        print(f"Không có dữ liệu chương trình trong {data_dir}.", file=sys.stderr)
        return 1
    store = Store(data_dir)
    try:
        edited = ShowService(agenda, store).agenda
    finally:
        store.close()
    if output.lower().endswith(".xlsx"):
        write_workbook(edited, output)
    else:
        Path(output).write_text(agenda_json(edited), encoding="utf-8")
    print(f"Đã ghi {output}: {len(edited.items)} mục, {len(edited.spec.delegates)} đại biểu.")
    return 0


def summary(agenda: Agenda) -> str:
    from runshow.timefmt import clock_text, duration_text

    event = agenda.event
    tz = agenda.tz
    lines = [
        f"{Path(agenda.source).name}: hợp lệ",
        f"Sự kiện: {event.title}",
        f"Địa điểm: {event.venue.name}, {event.venue.address}",
        f"Ngày: {event.date}, bắt đầu {event.start} ({event.timezone})",
        f"Số mục: {len(agenda.items)}",
        f"Tổng thời lượng dự kiến: {duration_text(agenda.total_planned_ms)}",
        f"Dự kiến kết thúc: {clock_text(agenda.planned_end_ms, tz)}",
        "",
    ]
    for item, start in zip(agenda.items, agenda.planned_starts_ms(), strict=True):
        length = duration_text(item.duration_ms) if item.duration_ms else "không tính giờ"
        estimate = " (ước tính)" if item.spec.duration_estimated else ""
        lines.append(
            f"  {clock_text(start, tz)}  {item.title} [{item.kind_label}; {length}{estimate}]"
        )
    return "\n".join(lines)
