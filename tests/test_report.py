"""The planned-versus-actual report the organisers keep after the event."""

from __future__ import annotations

import csv
import io

from tests.conftest import CONTROL_KEY

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}"}


def run(client, clock, body, seconds_after=0):
    assert client.post("/api/command", json=body, headers=AUTH).status_code == 200
    clock.advance(seconds_after)


def play_the_first_two_items(client, clock):
    run(client, clock, {"command": "start"}, 11 * 60 + 30)  # performance: 10 min planned
    run(client, clock, {"command": "next"})
    run(client, clock, {"command": "start"}, 8 * 60)  # opening: 10 min planned
    run(client, clock, {"command": "next"})


def test_the_report_needs_the_technician(client, technician):
    assert client.get("/report").status_code == 302
    assert client.get("/report.csv").status_code == 302
    assert technician.get("/report").status_code == 200


def test_the_report_shows_planned_against_actual(technician, clock):
    play_the_first_two_items(technician, clock)
    page = technician.get("/report").get_data(as_text=True)
    assert "Văn nghệ chào mừng" in page
    assert "+1:30" in page  # the performance ran 90 s over
    assert "-2:00" in page  # the opening finished two minutes early


def test_the_csv_opens_in_excel_with_vietnamese_intact(technician, clock):
    play_the_first_two_items(technician, clock)
    response = technician.get("/report.csv")
    assert response.headers["Content-Disposition"].endswith('.csv"')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["STT", "Nội dung"]
    assert len(rows) == 1 + 13 + 1
    assert rows[-1][1] == "Tổng cộng"
    performance, opening, welcome = rows[1], rows[2], rows[3]
    assert performance[1] == "Văn nghệ chào mừng"
    assert performance[3] == "Đã xong"
    assert performance[8:] == ["11:30", "+1:30"]
    assert opening[8:] == ["8:00", "-2:00"]
    assert welcome[3] == "Đang diễn ra"


def test_the_report_survives_a_restart(app, technician, clock, tmp_path):
    """Actual times live in the saved state: a new server on the same data sees them."""
    from runshow.web import create_app

    play_the_first_two_items(technician, clock)
    app.extensions["runshow"].service.store.close()  # one server at a time on a data folder
    again = create_app(
        {
            "TESTING": True,
            "RUNSHOW_DATA_DIR": app.config["RUNSHOW_DATA_DIR"],
            "RUNSHOW_CONTROL_KEY": CONTROL_KEY,
            "RUNSHOW_CLOCK": clock,
        }
    )
    client = again.test_client()
    client.post("/login", data={"key": CONTROL_KEY})
    assert "+1:30" in client.get("/report.csv").get_data(as_text=True)
