"""One server per port and one server per data directory: the second one
refuses to start with a plain message, and the first one goes on."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys

from runshow.datadir import DataDirLock
from tests.conftest import start_server, stop_server
from tests.reliability.damage import serve_until_exit


def serve_on_port(data_dir, port: int, host: str = "127.0.0.1") -> tuple[int | None, str]:
    return serve_until_exit(data_dir, "--port", str(port), "--host", host)


def test_a_second_server_on_the_same_port_refuses_naming_the_port_and_its_holder(
    live_server, tmp_path
):
    """eventlet.listen set SO_REUSEPORT: the second server started too and the
    kernel split the screens between two shows."""
    port = int(live_server.url.rsplit(":", 1)[1])

    status, output = serve_on_port(tmp_path / "other-data", port)

    assert status == 1, output
    assert "Traceback" not in output
    assert f"cổng {port}" in output
    assert f"tiến trình số {live_server.process.pid}" in output
    assert live_server.command("next")["revision"] == 1


def test_a_port_taken_on_one_of_the_addresses_refuses_to_start(tmp_path):
    """A program listening on 127.0.0.1 only still makes "all interfaces" unusable."""
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]

        status, output = serve_on_port(tmp_path / "data", port, host="0.0.0.0")

    assert status == 1, output
    assert f"cổng {port}" in output
    assert "--port" in output


def test_a_second_server_on_the_same_data_directory_refuses_naming_it(live_server, tmp_path):
    status, output = serve_until_exit(live_server.data_dir)

    assert status == 1, output
    assert "Traceback" not in output
    assert str(live_server.data_dir.resolve()) in output
    assert f"tiến trình số {live_server.process.pid}" in output
    assert live_server.command("next")["revision"] == 1


def test_the_data_directory_is_free_again_after_the_first_server_is_killed(tmp_path):
    data = tmp_path / "data"
    first = start_server(data, tmp_path / "first.log")
    first.command("next")
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)

    second = start_server(data, tmp_path / "second.log")
    try:
        assert second.state()["revision"] == 1
    finally:
        stop_server(second)


def test_the_data_directory_lock_is_an_operating_system_lock_held_by_the_process(tmp_path):
    lock = DataDirLock(tmp_path / "data").acquire()
    try:
        # Another process is refused while this one lives.
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from runshow.datadir import DataDirLock, DataDirBusy\n"
                "try:\n    DataDirLock(sys.argv[1]).acquire()\n"
                "except DataDirBusy as busy:\n    print(busy); sys.exit(3)",
                str(tmp_path / "data"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert probe.returncode == 3, probe.stderr
        assert "đang được một máy chủ Runshow khác dùng" in probe.stdout
    finally:
        lock.release()
    DataDirLock(tmp_path / "data").acquire().release()  # free again once released
