"""Rooms, side by side in one run: one server of many rooms against a server of one
room with the same total of screens, and against one room of a room's screens.

Servers measured, one after the other in the same run (each a real `runshow serve`,
screens in bench/fanout.py's raw-WebSocket client processes):
- `1 room x S`: the one-programme server with S screens (the per-room baseline);
- `1 room x R·S`: the same with every screen of the rooms run;
- `R rooms x S`: R rooms of S screens each (`--agenda` per room, screens join with
  `room=<id>`). Measured in three windows after the connect storm:
  idle; one room busy (a command a second in the first room, a probe command in the
  second 0.6 s later, the other rooms quiet: they must receive nothing); every
  room busy (a command a second in every room, spread evenly over the second);
- `I rooms x R·S/I`: the same total in more rooms, for the idle cost of many tickers.

Usage:
  python bench/rooms.py [--rooms 10] [--per-room 200] [--idle-rooms 20]
                        [--rounds 20] [--idle 10] [--write]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import fanout  # noqa: E402
from bench.fanout import (  # noqa: E402
    COMMAND_WINDOW_S,
    ScreenLog,
    Server,
    delivery,
    launch_clients,
    pct,
    screen_query,
    screen_roles,
    start_runshow,
)
from bench.report import write_section  # noqa: E402
from tests.conftest import stop_server  # noqa: E402

#: The section of docs/benchmarks.md this script rewrites.
SECTION = "Rooms: many rooms against one"
#: After the last command of a window, how long its states may take to arrive.
SETTLE_S = 1.5
#: Unmeasured commands in every room before the measured windows.
WARM_UP_ROUNDS = 3


@dataclass
class RoomFigures:
    """One server's figures; `None` where the window does not apply (a server of one room)."""

    config: str
    rooms: int
    per_room: int
    served: int = 0
    first_p99_s: float = math.nan
    p50_ms: float = math.nan  # every room busy (a server of one room: its commands)
    p99_ms: float = math.nan
    worst_room_p99_ms: float = math.nan
    max_ms: float = math.nan
    missing: int = 0
    stray_states: int | None = None  # states a screen got beyond its own room's commands
    quiet_states: int | None = None  # states the quiet rooms got while another room was busy
    probe_p99_ms: float = math.nan  # the probe room's, while another room was busy
    cpu_us_one_room: float = math.nan  # one room busy: CPU µs per its screen per command
    cpu_us_per_screen_cmd: float = math.nan  # every room busy, idle subtracted
    rss_kb_per_screen: float = math.nan
    idle_cpu_pct: float = math.nan

    @property
    def screens(self) -> int:
        return self.rooms * self.per_room


def room_agendas(folder: Path, count: int) -> list[Path]:
    """`count` rooms, each a copy of the bundled programme (phong-01.json, …)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "agenda.json").read_text(encoding="utf-8")
    paths = [folder / f"phong-{n:02d}.json" for n in range(1, count + 1)]
    for path in paths:
        path.write_text(text, encoding="utf-8")
    return paths


def one_room(server: Server, count: int, rounds: int, idle_s: float) -> RoomFigures:
    """A server of one programme: bench/fanout.py's own measurement."""
    figures = fanout.measure(server, count, rounds, idle_s)
    return RoomFigures(
        f"1 room x {count}",
        1,
        count,
        served=figures.served,
        first_p99_s=figures.first_p99_s,
        p50_ms=figures.p50_ms,
        p99_ms=figures.p99_ms,
        worst_room_p99_ms=figures.p99_ms,
        max_ms=figures.max_ms,
        missing=figures.missing,
        cpu_us_one_room=figures.cpu_us_per_screen_cmd,
        cpu_us_per_screen_cmd=figures.cpu_us_per_screen_cmd,
        rss_kb_per_screen=figures.rss_kb_per_screen,
        idle_cpu_pct=figures.idle_cpu_pct,
    )


def states_between(logs: list[ScreenLog], began: float, ended: float) -> int:
    """How many states these screens received from `began` to `ended` (monotonic)."""
    return sum(1 for log in logs for arrived in log.received if began <= arrived <= ended)


def every_room_busy(server: Server, rounds: int) -> dict[str, dict[int, float]]:
    """A command a second in every room, the rooms' spread evenly over the second; each
    room's commands: revision → when sent."""
    sends: dict[str, dict[int, float]] = {room: {} for room in server.rooms}
    began = time.monotonic()
    for n in range(rounds):
        for index, room in enumerate(server.rooms):
            due = began + n + index / len(server.rooms)
            time.sleep(max(0.0, due - time.monotonic()))
            sent = time.monotonic()
            sends[room][server.command(n, room)] = sent
    return sends


def many_rooms(server: Server, per_room: int, rounds: int, idle_s: float) -> RoomFigures:
    rooms = server.rooms
    figures = RoomFigures(f"{len(rooms)} rooms x {per_room}", len(rooms), per_room)
    rss_before = server.rss()
    version = fanout.page_programme_version(server.port, f"/r/{rooms[0]}/programme")
    queries = [screen_query(role, room) for room in rooms for role in screen_roles(per_room)]
    clients = launch_clients(server, queries, version)
    time.sleep(max(0.0, clients.start - time.monotonic()))
    while time.monotonic() < clients.start + fanout.STORM_DEADLINE_S and not clients.all_served():
        time.sleep(0.2)
    time.sleep(2.0)
    rss_after = server.rss()
    # A room's first commands after the start are slower (25 to 100 ms at 200 screens):
    # a server of one room has had the storm's commands (bench/fanout.py) before its
    # measured ones, so each room here has as many before its own.
    every_room_busy(server, WARM_UP_ROUNDS)

    idle_rate, idle_slices = fanout.idle_window(server, idle_s)

    # One room busy, a probe room 0.6 s after it, the others quiet.
    busy, probe = rooms[0], rooms[1 % len(rooms)]
    busy_sends: dict[int, float] = {}
    probe_sends: dict[int, float] = {}
    per_command = []
    quiet_began = time.monotonic()
    for n in range(rounds):
        before, sent = server.cpu_s(), time.monotonic()
        busy_sends[server.command(n, busy)] = sent
        time.sleep(max(0.0, sent + COMMAND_WINDOW_S - time.monotonic()))
        per_command.append(server.cpu_s() - before)
        if probe != busy:
            probe_sends[server.command(n, probe)] = time.monotonic()
        time.sleep(max(0.0, sent + 1.0 - time.monotonic()))
    time.sleep(SETTLE_S)
    quiet_ended = time.monotonic()

    # Every room busy: a command a second in each, spread evenly over the second.
    cpu0, all_began = server.cpu_s(), time.monotonic()
    all_sends = every_room_busy(server, rounds)
    time.sleep(SETTLE_S)
    all_ended = time.monotonic()
    all_cpu = server.cpu_s() - cpu0 - idle_rate * (all_ended - all_began)

    logs = clients.finish()
    by_room = {room: logs[n * per_room : (n + 1) * per_room] for n, room in enumerate(rooms)}
    figures.served = sum(1 for log in logs if log.first_state_s is not None)
    figures.first_p99_s = pct(
        [log.first_state_s for log in logs if log.first_state_s is not None], 0.99
    )
    quiet = [log for room in rooms if room not in (busy, probe) for log in by_room[room]]
    figures.quiet_states = states_between(quiet, quiet_began, quiet_ended)
    if probe != busy:
        figures.probe_p99_ms = pct(delivery(probe_sends, by_room[probe])[0], 0.99)
    one_command = statistics.median(per_command) - statistics.median(idle_slices or [0.0])
    figures.cpu_us_one_room = one_command / per_room * 1e6

    latencies, worst, stray = [], 0.0, 0
    for room in rooms:
        room_latencies, missing = delivery(all_sends[room], by_room[room])
        latencies += room_latencies
        worst = max(worst, pct(room_latencies, 0.99))
        figures.missing += missing
        own = len(all_sends[room])
        stray += sum(
            max(0, states_between([log], all_began, all_ended) - own) for log in by_room[room]
        )
    figures.p50_ms = pct(latencies, 0.5)
    figures.p99_ms = pct(latencies, 0.99)
    figures.worst_room_p99_ms = worst
    figures.max_ms = max(latencies, default=math.nan)
    figures.stray_states = stray
    figures.cpu_us_per_screen_cmd = all_cpu / (figures.screens * rounds) * 1e6
    figures.rss_kb_per_screen = (rss_after - rss_before) / figures.screens / 1024
    figures.idle_cpu_pct = idle_rate * 100
    return figures


# --------------------------------------------------------------------------- #
# The report.

SHARED = {key: (key, title, fmt) for key, title, fmt in fanout.COLUMNS}
COLUMNS = (
    *(SHARED[key] for key in ("p50_ms", "p99_ms")),
    ("worst_room_p99_ms", "worst room's p99 ms", "{:.1f}"),
    *(SHARED[key] for key in ("max_ms", "missing")),
    ("stray_states", "states from other rooms", "{:.0f}"),
    ("quiet_states", "quiet rooms' states, one room busy", "{:.0f}"),
    ("probe_p99_ms", "probe room p99 ms, one room busy", "{:.1f}"),
    ("cpu_us_one_room", "CPU µs/screen/cmd, one room busy", "{:.1f}"),
    ("cpu_us_per_screen_cmd", "CPU µs/screen/cmd, all busy", "{:.1f}"),
    *(SHARED[key] for key in ("rss_kb_per_screen", "idle_cpu_pct")),
    ("served", "served", "{:.0f}"),
    ("first_p99_s", "first state p99 s", "{:.2f}"),
)


def cell(value, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return fmt.format(value)


def table(results: list[RoomFigures]) -> str:
    lines = [
        "| server | screens | " + " | ".join(title for _, title, _ in COLUMNS) + " |",
        "|---|---:|" + "---:|" * len(COLUMNS),
    ]
    for figures in results:
        cells = [cell(getattr(figures, key), fmt) for key, _, fmt in COLUMNS]
        lines.append(f"| {figures.config} | {figures.screens} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(met: bool) -> str:
    return "**met**" if met else "**not met**"


def targets(
    per_room: RoomFigures, same_total: RoomFigures, rooms: RoomFigures, idle: RoomFigures
) -> str:
    """Each of issue 21's targets, its figures and whether it is met."""
    limit = 1.2 * per_room.p99_ms
    rss_ratios = [f.rss_kb_per_screen / same_total.rss_kb_per_screen for f in (rooms, idle)]
    cost_ratio = rooms.cpu_us_one_room / per_room.cpu_us_per_screen_cmd
    return "\n".join(
        [
            f"- A room's command reaches its own screens with p99 ≤ 1.2 x one room of "
            f"{per_room.per_room} ({per_room.p99_ms:.1f} ms → ≤ {limit:.1f} ms): every room "
            f"busy, p99 {rooms.p99_ms:.1f} ms, the worst room's {rooms.worst_room_p99_ms:.1f} "
            f"ms: {verdict(rooms.worst_room_p99_ms <= limit)}.",
            f"- A command costs nothing on other rooms' screens: the quiet rooms received "
            f"{rooms.quiet_states} states while one room took its "
            f"commands, and {rooms.stray_states} states beyond their own room's with every "
            f"room busy ({verdict(rooms.quiet_states == 0 and rooms.stray_states == 0)}); the "
            f"probe room's p99 then was {rooms.probe_p99_ms:.1f} ms against one room's "
            f"{per_room.p99_ms:.1f} ms ({verdict(rooms.probe_p99_ms <= limit)}); a command "
            f"cost {rooms.cpu_us_one_room:.1f} µs per screen of its room against "
            f"{per_room.cpu_us_per_screen_cmd:.1f} µs in a server of one room "
            f"({cost_ratio:.2f} times: {verdict(cost_ratio <= 1.2)}, the other rooms' screens "
            "add nothing).",
            f"- Idle CPU with {idle.rooms} rooms and {idle.screens} screens ≤ 0.5 % of a "
            f"core: {idle.idle_cpu_pct:.2f} % ({verdict(idle.idle_cpu_pct <= 0.5)}; one room "
            f"of {same_total.screens}: {same_total.idle_cpu_pct:.2f} %, {rooms.rooms} rooms: "
            f"{rooms.idle_cpu_pct:.2f} %).",
            f"- RSS per screen unchanged against one room of {same_total.screens} "
            f"({same_total.rss_kb_per_screen:.1f} KB): {rooms.rooms} rooms "
            f"{rooms.rss_kb_per_screen:.1f} KB, {idle.rooms} rooms "
            f"{idle.rss_kb_per_screen:.1f} KB ("
            + ", ".join(f"{ratio:.2f} times" for ratio in rss_ratios)
            + f"; within 10 %: {verdict(all(ratio <= 1.1 for ratio in rss_ratios))}).",
        ]
    )


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def run(config: tuple[int, int], tmp: Path, args: argparse.Namespace) -> RoomFigures:
    rooms, per_room = config
    name = f"rooms-{rooms}x{per_room}"
    agendas = room_agendas(tmp / name, rooms) if rooms > 1 else None
    server = start_runshow(name, ROOT, tmp, [], False, agendas=agendas)
    try:
        if rooms > 1:
            return many_rooms(server, per_room, args.rounds, args.idle)
        return one_room(server, per_room, args.rounds, args.idle)
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rooms", type=int, default=10, help="rooms, every one busy")
    parser.add_argument("--per-room", type=int, default=200, help="screens in each room")
    parser.add_argument("--idle-rooms", type=int, default=20, help="rooms for the idle cost")
    parser.add_argument("--rounds", type=int, default=20, help="commands per room per window")
    parser.add_argument("--idle", type=float, default=10.0, help="idle window, seconds")
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    if args.rooms < 3:
        sys.exit("--rooms: at least 3 (a busy room, a probe room and a quiet one)")
    total = args.rooms * args.per_room
    configs = [
        (1, args.per_room),
        (1, total),
        (args.rooms, args.per_room),
        (args.idle_rooms, total // args.idle_rooms),
    ]
    load_before = machine_load()
    results = []
    with tempfile.TemporaryDirectory() as tmp_name:
        for config in configs:
            figures = run(config, Path(tmp_name), args)
            print(json.dumps(figures.__dict__, ensure_ascii=False), flush=True)
            results.append(figures)
    body = "\n\n".join(
        [
            f"Machine and versions: {fanout.versions(None)}. Load average (1, 5, 15 min) "
            f"{load_before} at the start, {machine_load()} at the end: the machine is shared.",
            f"One run of each server, one after the other; {args.rounds} commands per room "
            "per window during a speech of the bundled agenda (every room a copy of it); "
            f"screens in {fanout.CLIENT_PROCESSES} client processes on the same machine "
            "(bench/fanout.py's). The rooms' servers: idle, then one room busy (with a "
            "probe command in a second room 0.6 s after each), then every room "
            "busy (a command a second in each, spread over the second). Before those, "
            f"{WARM_UP_ROUNDS} unmeasured commands in every room: a room's first commands "
            "after the start are slower (25 to 100 ms at 200 screens), and a server of one "
            "room has had the storm's commands before its measured ones (bench/fanout.py's "
            "measurement; those are not counted here).",
            table(results),
            "Targets (issue 21, 5. Scale):",
            targets(*results),
        ]
    )
    print(body)
    if args.write:
        write_section(SECTION, body)


if __name__ == "__main__":
    main()
