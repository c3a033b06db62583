"""Command line: `runshow check [FILE]` and `runshow serve [...]`.

It speaks the language of `--lang` (before or after the command), else the
environment's (LC_ALL, LC_MESSAGES, LANG), else Vietnamese. Only `--lang` sets the
pages' default too (`runshow serve --lang en`): a venue laptop whose system is in
English still shows the Vietnamese screens."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from runshow import i18n
from runshow.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from runshow.agenda import Agenda

DEFAULT_AGENDA = "agenda.json"


def default_agenda() -> str:
    """`agenda.json` in the current folder, else the one bundled with Runshow."""
    from runshow import bundled

    here = Path(DEFAULT_AGENDA)
    return str(here if here.exists() else bundled(DEFAULT_AGENDA))


DEFAULT_DATA_DIR = "data"
_BASE_HELP = N_(
    "tệp chương trình gốc lấy thông tin sự kiện và đại biểu khi bảng không có "
    "(mặc định: agenda.json)"
)
_DATA_DIR_HELP = N_("thư mục lưu trạng thái")


#: argparse's refusals (Python's English), each in words: (pattern, message).
_ARGPARSE_REFUSALS = (
    (
        r"the following arguments are required: (?P<names>.+)",
        N_("thiếu tham số bắt buộc: %(names)s"),
    ),
    (
        r"argument (?P<name>\S+): invalid int value: (?P<value>.+)",
        N_("%(name)s phải là một số nguyên (nhận được %(value)s)"),
    ),
    (
        r"argument (?P<name>\S+): invalid (\S+) value: (?P<value>.+)",
        N_("%(name)s: giá trị %(value)s không hợp lệ"),
    ),
    (r"argument (?P<name>\S+): expected one argument", N_("%(name)s cần một giá trị đi kèm")),
    (
        r"argument (?P<name>\S+): invalid choice: (?P<value>\S+) \(choose from (?P<choices>.+)\)",
        N_("%(name)s: không có lựa chọn %(value)s (chọn một trong: %(choices)s)"),
    ),
    (r"unrecognized arguments: (?P<values>.+)", N_("không hiểu tham số: %(values)s")),
    (
        r"argument (?P<name>\S+): ignored explicit argument (?P<value>.+)",
        N_("%(name)s không nhận giá trị %(value)s"),
    ),
)
#: Our own refusals (e.g. --start's) after the option's name, already in words.
_OWN_REFUSAL = r"argument (\S+): (.+)"


class _Parser(argparse.ArgumentParser):
    """argparse that refuses in words, and points to --help instead of a usage
    line in English."""

    def error(self, message: str) -> NoReturn:
        import re

        for pattern, words in _ARGPARSE_REFUSALS:
            found = re.fullmatch(pattern, message)
            if found:
                message = _(words, **found.groupdict())
                break
        else:
            message = re.sub(_OWN_REFUSAL, r"\1: \2", message)
        self.exit(
            2,
            _("%(prog)s: %(refusal)s. Xem thêm: %(prog)s --help", prog=self.prog, refusal=message)
            + "\n",
        )


def _language_option(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--lang",
        choices=i18n.languages(),
        default=default,
        help=_(
            "ngôn ngữ của dòng lệnh (mặc định: theo LANG của hệ thống, không có thì tiếng "
            "Việt); với serve, cả ngôn ngữ mặc định của các trang (mặc định: vi)"
        ),
    )


def language_of(argv: Sequence[str]) -> str:
    """The command line's language: `--lang` wherever it is, else the environment's,
    else Vietnamese (a `--lang` without a catalogue is refused by the parser, in it)."""
    asked = None
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word == "--lang" and index + 1 < len(argv):
            asked = argv[index + 1]
        elif word.startswith("--lang="):
            asked = word.removeprefix("--lang=")
    return i18n.supported(asked) or i18n.language_of_environment() or i18n.SOURCE_LANGUAGE


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="runshow",
        description=_("Runshow — màn hình điều hành chương trình sự kiện trực tiếp."),
    )
    _language_option(parser, None)
    sub = parser.add_subparsers(dest="action", required=True, metavar=_("LỆNH"))

    check = sub.add_parser(
        "check", help=_("kiểm tra tệp chương trình (agenda.json, .xlsx hoặc .csv) và in tóm tắt")
    )
    check.add_argument("file", nargs="?", default=None)
    check.add_argument("--base", default=None, help=_(_BASE_HELP))
    check.add_argument(
        "--automations", default=None, metavar="FILE", help=_("kiểm tra tệp tự động hóa (JSON)")
    )

    imports = sub.add_parser(
        "import", help=_("chuyển bảng chương trình Excel (.xlsx) hoặc CSV thành agenda.json")
    )
    imports.add_argument("file", help=_("tệp .xlsx hoặc .csv (xem docs/sheet-format.md)"))
    imports.add_argument("-o", "--output", required=True, help=_("tệp agenda.json sẽ ghi ra"))
    imports.add_argument("--base", default=None, help=_(_BASE_HELP))

    export = sub.add_parser(
        "export",
        help=_(
            "ghi chương trình đã sửa trực tiếp ra tệp agenda.json (hoặc .xlsx), kể cả khi "
            "máy chủ đang chạy"
        ),
    )
    export.add_argument("-o", "--output", required=True, help=_("tệp sẽ ghi ra (.json hoặc .xlsx)"))
    export.add_argument(
        "--agenda", default=None, help=_("tệp chương trình gốc (mặc định: agenda.json)")
    )
    export.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help=_(_DATA_DIR_HELP))
    export.add_argument(
        "--rehearsal",
        action="store_true",
        help=_("chương trình đã sửa trong buổi tổng duyệt (<data-dir>/rehearsal/)"),
    )
    export.add_argument(
        "--control-key",
        default=None,
        help=_(
            "mã điều khiển, để hỏi máy chủ đang chạy (mặc định: RUNSHOW_CONTROL_KEY hoặc "
            "mã lưu trong thư mục dữ liệu)"
        ),
    )

    serve = sub.add_parser("serve", help=_("chạy máy chủ chương trình trên mạng LAN"))
    serve.add_argument(
        "--agenda",
        action="append",
        default=None,
        help=_(
            "tệp chương trình (mặc định: agenda.json); nhắc lại để chạy nhiều phòng, mỗi tệp "
            "một phòng (tên phòng là tên tệp)"
        ),
    )
    serve.add_argument(
        "--rooms",
        default=None,
        metavar=_("THƯ_MỤC"),
        help=_("chạy nhiều phòng: mỗi tệp .json trong thư mục là một phòng"),
    )
    serve.add_argument(
        "--host", default="0.0.0.0", help=_("địa chỉ lắng nghe (mặc định: mọi mạng)")
    )
    serve.add_argument("--port", type=int, default=5000, help=_("cổng lắng nghe (mặc định: 5000)"))
    serve.add_argument("--data-dir", default=DEFAULT_DATA_DIR, help=_(_DATA_DIR_HELP))
    serve.add_argument(
        "--rehearsal",
        action="store_true",
        help=_(
            "tổng duyệt: chạy chương trình hôm nay, bắt đầu từ bây giờ (hoặc --start), "
            "dữ liệu riêng trong <data-dir>/rehearsal/"
        ),
    )
    serve.add_argument(
        "--start",
        default=None,
        type=_clock,
        help=_("giờ bắt đầu buổi tổng duyệt hôm nay, HH:MM (chỉ dùng với --rehearsal)"),
    )
    serve.add_argument(
        "--fresh",
        action="store_true",
        help=_(
            "bắt đầu lại từ đầu (cất trạng thái cũ, ví dụ sau buổi diễn tập, vào data/archive/)"
        ),
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help=_("số tiến trình máy chủ (cần --message-queue); máy chủ phụ dùng các cổng kế tiếp"),
    )
    serve.add_argument(
        "--message-queue",
        default=None,
        help=_("hàng đợi tin nhắn Redis chung cho các tiến trình, ví dụ redis://127.0.0.1:6379/0"),
    )
    serve.add_argument("--worker-of", default=None, help=argparse.SUPPRESS)
    serve.add_argument(
        "--osc-port",
        type=int,
        default=None,
        help=_("nhận lệnh OSC qua UDP ở cổng này (docs/osc.md)"),
    )
    serve.add_argument(
        "--osc-allow",
        action="append",
        default=None,
        help=_(
            "chỉ nhận OSC từ các địa chỉ/mạng này, ví dụ 192.168.1.0/24 "
            "(mặc định: máy này và các mạng LAN của nó)"
        ),
    )
    serve.add_argument(
        "--automations",
        default=None,
        metavar="FILE",
        help=_("quy tắc tự động hóa: báo cho thiết bị khác qua HTTP/OSC (docs/automations.md)"),
    )
    serve.add_argument(
        "--osc-feedback",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help=_("gửi trạng thái chương trình qua OSC tới đây (lặp lại được)"),
    )
    serve.add_argument(
        "--control-key",
        default=None,
        help=_("mã điều khiển của kỹ thuật viên (mặc định: RUNSHOW_CONTROL_KEY hoặc tự tạo)"),
    )
    for command in (check, imports, export, serve):  # `runshow serve --lang en` too
        _language_option(command, argparse.SUPPRESS)
    return parser


def _clock(value: str) -> str:
    from runshow.timefmt import CLOCK_RE  # not runshow.agenda: pydantic before eventlet's patch

    if not CLOCK_RE.match(value):
        raise argparse.ArgumentTypeError(
            _("giờ phải có dạng HH:MM, ví dụ 14:00 (nhận được %(value)s)", value=repr(value))
        )
    return value


def main(argv: Sequence[str] | None = None) -> int:
    # Imports stay inside the actions: `serve` must monkey-patch with eventlet
    # before anything else is loaded.
    argv = sys.argv[1:] if argv is None else list(argv)
    i18n.set_default(language_of(argv))  # before any word, --help's too
    parser = _parser()
    args = parser.parse_args(argv)
    if args.action == "serve" and args.start and not args.rehearsal:
        parser.error(
            _("--start chỉ dùng cho buổi tổng duyệt: runshow serve --rehearsal --start HH:MM")
        )
    if args.action == "check" and args.automations:  # and the agenda too when one is named
        checked = check_automations(args.automations)
        return max(checked, check(args.file, args.base)) if args.file else checked
    if args.action == "check":
        return check(args.file or default_agenda(), args.base)
    if args.action == "import":
        return import_sheet(args.file, args.output, args.base)
    if args.action == "export":
        from runshow.rehearsal import SUBDIR

        folder = Path(args.data_dir)
        return export(
            args.agenda or default_agenda(),
            str(folder / SUBDIR if args.rehearsal else folder),
            args.output,
            args.control_key,
        )
    with i18n.language(i18n.default_language()):  # the terminal's, while serving too
        # The process's, for every word a page or a screen gets without saying its own:
        # the pages' default, which only --lang changes (not the system's LANG).
        i18n.set_default(args.lang or i18n.SOURCE_LANGUAGE)
        return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    if args.workers > 1 and not args.message_queue:
        print(_("--workers cần --message-queue (ví dụ redis://127.0.0.1:6379/0)."), file=sys.stderr)
        return 2
    if args.worker_of:
        from runshow.server import serve_display_worker

        return serve_display_worker(args.host, args.port, args.message_queue, args.worker_of)
    try:
        settings = _integration_settings(args)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    rooms = _room_paths(args.agenda or [], args.rooms)
    if isinstance(rooms, int):
        return rooms
    from runshow.server import serve  # only the server entry point touches eventlet

    return serve(
        agenda_path=rooms[0] if rooms else (args.agenda or [default_agenda()])[0],
        rooms=rooms,
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        control_key=args.control_key,
        rehearsal=args.rehearsal,
        rehearsal_start=args.start,
        fresh=args.fresh,
        workers=args.workers,
        message_queue=args.message_queue,
        settings=settings,
        language=args.lang,
    )


def _integration_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The app's OSC and automations settings from `serve`'s options. Raises ValueError."""
    from runshow.osc import parse_allow, parse_target

    return {
        "RUNSHOW_OSC_PORT": args.osc_port,
        "RUNSHOW_OSC_ALLOW": None if args.osc_allow is None else parse_allow(args.osc_allow),
        "RUNSHOW_OSC_FEEDBACK": [parse_target(text) for text in args.osc_feedback],
        "RUNSHOW_AUTOMATIONS": args.automations,
    }


def _room_paths(agendas: list[str], folder: str | None) -> list[str] | int | None:
    """The rooms' files (several `--agenda`, or `--rooms DIR`), None for one show, or
    the exit status after saying why not."""
    from runshow.rooms import RoomsError, room_files

    if folder and agendas:
        print(_("Dùng --rooms THƯ_MỤC hoặc nhiều --agenda, không dùng cả hai."), file=sys.stderr)
        return 2
    try:
        paths = [str(path) for path in room_files(folder)] if folder else agendas
    except RoomsError as refused:
        print(refused, file=sys.stderr)
        return 1
    return paths if folder or len(paths) > 1 else None


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
        print(problems_heading(len(error.problems)), file=sys.stderr)
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
        print()
        print(
            ngettext(
                "Cảnh báo: %(num)s chữ không vừa sân khấu 1920x1080:",
                "Cảnh báo: %(num)s chữ không vừa sân khấu 1920x1080:",
                len(warnings),
            )
        )
        for warning in warnings:
            print(f"  {warning}")
    return 0


def check_automations(path: str) -> int:
    from runshow.automations import AutomationsError, load_rules, problems_text

    try:
        rules = load_rules(path)
    except AutomationsError as error:
        print(problems_text(error), file=sys.stderr)
        return 1
    print(
        ngettext(
            "%(path)s: %(num)s quy tắc tự động hóa, dùng được.",
            "%(path)s: %(num)s quy tắc tự động hóa, dùng được.",
            len(rules),
            path=path,
        )
    )
    for number, rule in enumerate(rules, 1):
        print(f"  {number}. {rule.label}")
    return 0


def import_sheet(path: str, output: str, base_path: str | None = None) -> int:
    from runshow.sheets import agenda_json

    agenda = _load(path, base_path)
    if agenda is None:
        return 1
    if not _write(output, agenda_json(agenda).encode("utf-8")):
        return 1
    print(_("Đã ghi %(output)s: %(counts)s.", output=output, counts=_counts(agenda)))
    return 0


def _write(output: str, content: bytes) -> bool:
    """Write `content` to `output`, or say in words why it cannot be."""
    from runshow.store import plain_cause

    try:
        Path(output).write_bytes(content)
    except OSError as error:
        missing = isinstance(error, FileNotFoundError)
        why = _("thư mục chứa nó không tồn tại") if missing else plain_cause(error)
        print(_("Không ghi được %(output)s: %(why)s.", output=output, why=why), file=sys.stderr)
        return False
    return True


def export(agenda_path: str, data_dir: str, output: str, control_key: str | None = None) -> int:
    """The programme as the show runs it (the file with every live edit) to a file:
    read from the data directory or, while a server holds it, asked of that server."""
    from runshow.datadir import holder
    from runshow.sheets import PROGRAMME_SUFFIXES
    from runshow.store import Store

    suffix = Path(output).suffix.lower()
    if suffix not in PROGRAMME_SUFFIXES:
        print(
            _("Tệp ghi ra phải có đuôi .json hoặc .xlsx (nhận được «%(output)s»).", output=output),
            file=sys.stderr,
        )
        return 2
    folder = Path(data_dir)
    if not (folder / Store.FILENAME).exists():
        print(_no_programme_data(folder, output), file=sys.stderr)
        return 1
    running = holder(folder)
    if running is not None:
        content = _programme_from_server(running, folder, suffix, control_key)
        done = _("chương trình đang chạy, lấy từ %(server)s", server=running.named())
    else:
        content, done = _programme_from_data(agenda_path, folder, suffix)
    if content is None:
        return 1
    if not _write(output, content):
        return 1
    print(_("Đã ghi %(output)s: %(counts)s.", output=output, counts=done))
    return 0


def _no_programme_data(folder: Path, output: str) -> str:
    """Why there is nothing to export in `folder`, and where the edits may be."""
    from runshow.rehearsal import SUBDIR
    from runshow.store import Store

    if not (folder / SUBDIR / Store.FILENAME).exists():
        return _(
            "Không có dữ liệu chương trình trong %(folder)s (chưa có buổi diễn nào chạy ở đây).",
            folder=folder,
        )
    data_dir = "" if str(folder) == DEFAULT_DATA_DIR else f" --data-dir {folder}"
    command = f"runshow export --rehearsal{data_dir} -o {output}"
    return _(
        "Không có dữ liệu chương trình trong %(folder)s. Chương trình sửa trong buổi tổng "
        "duyệt được lưu riêng, trong %(rehearsal)s: để lấy nó, chạy %(command)s",
        folder=folder,
        rehearsal=folder / SUBDIR,
        command=command,
    )


def _programme_from_data(agenda_path: str, folder: Path, suffix: str) -> tuple[bytes | None, str]:
    """The edited programme read from the data directory, which no server holds (it
    is held meanwhile, so that none starts in the middle)."""
    from runshow.datadir import DataDirBusy, DataDirLock, holder
    from runshow.service import ShowService
    from runshow.sheets import programme_file
    from runshow.store import DataFileError, Store

    agenda = _load(agenda_path, None)
    if agenda is None:
        return None, ""
    try:
        lock = DataDirLock(folder).acquire()
    except DataDirBusy:  # a server started just now: ask it
        running = holder(folder)
        if running is None:
            print(
                _(
                    "Thư mục dữ liệu %(folder)s vừa bị chiếm rồi lại thả: hãy chạy lại lệnh.",
                    folder=folder,
                ),
                file=sys.stderr,
            )
            return None, ""
        return _programme_from_server(running, folder, suffix, None), running.named()
    except OSError as error:
        from runshow.store import plain_cause

        print(
            _(
                "Không đọc được thư mục dữ liệu %(folder)s: %(why)s.",
                folder=folder,
                why=plain_cause(error),
            ),
            file=sys.stderr,
        )
        return None, ""
    try:
        store = Store(folder)
        try:
            edited = ShowService(agenda, store).agenda
        finally:
            store.close()
    except DataFileError as error:
        print(_("Không đọc được dữ liệu chương trình: %(error)s", error=error), file=sys.stderr)
        return None, ""
    finally:
        lock.release()
    return programme_file(edited, suffix), _counts(edited)


def _programme_from_server(
    running, folder: Path, suffix: str, control_key: str | None
) -> bytes | None:
    """The edited programme asked of the server that holds `folder` (GET /api/agenda.json
    or .xlsx with the control key); None after saying in one sentence why not."""
    import urllib.error
    import urllib.request

    from runshow.keys import CONTROL_KEY_ENV, known_control_key

    who = running.named()
    advice = _(
        "tải chương trình từ bàn điều khiển (☰ Khác → Tải chương trình), "
        "hoặc dừng máy chủ rồi chạy lại lệnh này"
    )
    if running.url is None:
        print(
            _(
                "Thư mục dữ liệu %(folder)s đang được %(server)s dùng, không rõ địa chỉ: "
                "%(advice)s.",
                folder=folder,
                server=who,
                advice=advice,
            ),
            file=sys.stderr,
        )
        return None
    key = known_control_key(folder, control_key)
    if key is None:
        print(
            _(
                "Thư mục dữ liệu %(folder)s đang được %(server)s dùng; để hỏi nó cần mã điều "
                "khiển: thêm --control-key <mã> (hoặc đặt %(variable)s) như khi chạy serve.",
                folder=folder,
                server=who,
                variable=CONTROL_KEY_ENV,
            ),
            file=sys.stderr,
        )
        return None
    request = urllib.request.Request(
        f"{running.url}/api/agenda{suffix}",
        headers={
            "Authorization": f"Bearer {key.value}",
            "Accept-Language": i18n.current_language(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code in (401, 429):
            reason = _(
                "%(server)s không nhận mã điều khiển này (hãy dùng --control-key với mã mà "
                "serve in ra)",
                server=who,
            )
        else:
            reason = _("%(server)s trả lời lỗi %(code)s", server=who, code=error.code)
    except (urllib.error.URLError, OSError) as error:
        cause = getattr(error, "reason", error)
        reason = _(
            "%(server)s không trả lời tại %(url)s (%(cause)s)",
            server=who,
            url=running.url,
            cause=_connection_cause(cause),
        )
    print(
        _("Không lấy được chương trình: %(reason)s; %(advice)s.", reason=reason, advice=advice),
        file=sys.stderr,
    )
    return None


def _connection_cause(cause: object) -> str:
    """Why a connection failed, in words."""
    if isinstance(cause, ConnectionRefusedError):
        return _("không kết nối được")
    if isinstance(cause, TimeoutError) or "timed out" in str(cause):
        return _("quá thời gian chờ")
    return _("lỗi mạng")


def summary(agenda: Agenda) -> str:
    from runshow.timefmt import clock_text, duration_text

    event = agenda.event
    tz = agenda.tz
    lines = [
        _("%(file)s: hợp lệ", file=Path(agenda.source).name),
        _("Sự kiện: %(title)s", title=event.title),
        _("Địa điểm: %(name)s, %(address)s", name=event.venue.name, address=event.venue.address),
        _(
            "Ngày: %(date)s, bắt đầu %(start)s (%(timezone)s)",
            date=event.date,
            start=event.start,
            timezone=event.timezone,
        ),
        _("Số mục: %(count)s", count=len(agenda.items)),
        _("Tổng thời lượng dự kiến: %(length)s", length=duration_text(agenda.total_planned_ms)),
        _("Dự kiến kết thúc: %(clock)s", clock=clock_text(agenda.planned_end_ms, tz)),
        "",
    ]
    for item, start in zip(agenda.items, agenda.planned_starts_ms(), strict=True):
        length = duration_text(item.duration_ms) if item.duration_ms else _("không tính giờ")
        if item.spec.duration_estimated:
            length = _("%(length)s (ước tính)", length=length)
        lines.append(f"  {clock_text(start, tz)}  {item.title} [{item.kind_label}; {length}]")
    return "\n".join(lines)


def problems_heading(count: int) -> str:
    """The line above an agenda's problems, one a line."""
    return ngettext("Tệp chương trình có %(num)s lỗi:", "Tệp chương trình có %(num)s lỗi:", count)


def _counts(agenda: Agenda) -> str:
    """``13 mục, 19 đại biểu``."""
    items = ngettext("%(num)s mục", "%(num)s mục", len(agenda.items))
    delegates = ngettext("%(num)s đại biểu", "%(num)s đại biểu", len(agenda.spec.delegates))
    return f"{items}, {delegates}"
