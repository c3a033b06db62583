"""Several rooms in one Runshow: which programme file is which room (pure, no I/O but
listing a folder).

A room's id is its programme file's name without the extension (`hoi-truong-a.json`
is room `hoi-truong-a`): it is the room's part of every URL (`/r/hoi-truong-a/stage`),
of its data folder (`<data-dir>/rooms/hoi-truong-a/`) and of its screens' audience.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from runshow.i18n import _

#: Lower-case letters, digits and single hyphens: safe in a URL, a file name and a
#: Socket.IO room, the same on every operating system.
ROOM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ROOM_ID = 40
#: The programme files a `--rooms` folder may hold, one room each.
ROOM_FILE_SUFFIXES = (".json",)
#: Where each room keeps its data, under the data directory.
ROOMS_FOLDER = "rooms"


class RoomsError(Exception):
    """Why the rooms cannot be served, in words for the technician."""


@dataclass(frozen=True)
class RoomFile:
    id: str
    path: Path


def room_id(path: str | Path) -> str:
    return Path(path).stem


def plan_rooms(paths: list[str | Path]) -> list[RoomFile]:
    """One room per file, in the order given. Raises `RoomsError` for an id that is
    not a URL-safe slug or two files that would be the same room (naming both)."""
    rooms: dict[str, RoomFile] = {}
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        slug = room_id(path)
        if len(slug) > MAX_ROOM_ID or not ROOM_ID.match(slug):
            problems.append(
                _(
                    "tên phòng «%(room)s» (từ tệp %(file)s) không dùng được trong địa chỉ: chỉ "
                    "gồm chữ thường không dấu, số và dấu gạch ngang, tối đa %(most)s ký tự "
                    "(ví dụ hoi-truong-a.json)",
                    room=slug,
                    file=path,
                    most=MAX_ROOM_ID,
                )
            )
        elif slug in rooms:
            problems.append(
                _(
                    "hai tệp cùng thành phòng «%(room)s»: %(first)s và %(second)s; "
                    "hãy đổi tên một tệp",
                    room=slug,
                    first=rooms[slug].path,
                    second=path,
                )
            )
        else:
            rooms[slug] = RoomFile(slug, path)
    if problems:
        raise RoomsError(_("Không thể chạy: %(problems)s.", problems="; ".join(problems)))
    return list(rooms.values())


def room_files(folder: str | Path) -> list[Path]:
    """The programme files of a `--rooms` folder, by name. Raises `RoomsError` when
    there is none."""
    directory = Path(folder)
    if not directory.is_dir():
        raise RoomsError(_("Không thể chạy: không có thư mục phòng %(folder)s.", folder=directory))
    files = sorted(
        path
        for path in directory.iterdir()
        if path.is_file() and path.suffix.lower() in ROOM_FILE_SUFFIXES
    )
    if not files:
        raise RoomsError(
            _(
                "Không thể chạy: thư mục %(folder)s không có tệp chương trình .json nào.",
                folder=directory,
            )
        )
    return files


def room_data_dir(data_dir: str | Path, room: str) -> Path:
    return Path(data_dir) / ROOMS_FOLDER / room
