"""The console's side of the integrations, in Debian's Chromium: OSC's counts and the
automations' last runs with their Test button (docs/osc.md, docs/automations.md)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from playwright.sync_api import expect
from pythonosc.osc_message import OscMessage
from pythonosc.udp_client import SimpleUDPClient

from tests.browser import login
from tests.conftest import start_server, stop_server


def test_the_console_shows_osc_drops_and_tests_an_automation(tmp_path: Path, open_page):
    cue_light = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    cue_light.bind(("127.0.0.1", 0))
    cue_light.settimeout(5)
    rules = tmp_path / "rules.json"
    rules.write_text(
        json.dumps(
            {
                "automations": [
                    {
                        "name": "Đèn bục",
                        "on": "danger",
                        "send": {
                            "osc": f"127.0.0.1:{cue_light.getsockname()[1]}",
                            "address": "/cue/red/go",
                            "args": ["{{item.title}}"],
                        },
                    },
                    {"name": "vMix", "on": "item_start", "send": {"http": "http://127.0.0.1:9/"}},
                ]
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        osc_port = probe.getsockname()[1]
    extra = ("--automations", str(rules), "--osc-port", str(osc_port), "--osc-allow", "10.0.0.0/8")
    server = start_server(tmp_path / "data", tmp_path / "server.log", extra_args=extra)
    try:
        console = open_page(f"{server.url}/login", size=(1366, 768))
        login(console, server.url)
        SimpleUDPClient("127.0.0.1", osc_port).send_message("/runshow/start", [])
        expect(console.locator("#osc-status")).to_have_text("Nhận 0 · Bỏ qua 1")
        expect(console.locator("#automations-summary")).to_have_text("2 quy tắc")

        console.click("#automations-summary")
        rows = console.locator("#automations-list li")
        expect(rows.nth(0)).to_contain_text("Chưa chạy")
        rows.nth(0).get_by_role("button", name="Thử").click()
        with cue_light:
            message = OscMessage(cue_light.recvfrom(65_535)[0])
        assert message.address == "/cue/red/go"
        expect(rows.nth(0)).to_contain_text("được: OSC /cue/red/go")
        rows.nth(1).get_by_role("button", name="Thử").click()
        expect(rows.nth(1)).to_contain_text("lỗi: không kết nối được")
        expect(console.locator("#automations-summary")).to_have_text("2 quy tắc · 1 lỗi")
        assert server.state()["revision"] == 0  # neither OSC from outside nor a test moved it
    finally:
        stop_server(server)
