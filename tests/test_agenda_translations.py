"""The agenda's own texts in another language (issue 23): the `translations` blocks of
agenda.json, checked like every other field; `localized`; the programme payload; the
MC's introduction of the delegates; /print and /report (and their downloads) in English.

The programme used is the bundled one with English translations of its texts
(docs/agenda-english-example.json, documented in docs/agenda-format.md)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from runshow import commands, i18n, protocol
from runshow.agenda import AgendaError, load_agenda, localized, parse_agenda
from runshow.editing import edited
from runshow.introduction import introduction
from tests.conftest import BUNDLED_AGENDA, CONTROL_KEY, mc_auth, running_app
from tests.test_live import events_named

ENGLISH_AGENDA = Path(__file__).resolve().parent.parent / "docs" / "agenda-english-example.json"
ENGLISH_LEAD = "On behalf of the Central Government, we are honoured to introduce:"

#: Interface words of the printout and the report, none of which an English page may show.
VIETNAMESE_WORDS = (
    "Kịch bản",
    "Bảng điều phối",
    "bắt đầu",
    "kết thúc",
    "Thời lượng",
    "Ghi chú",
    "Giờ",
    "Báo cáo",
    "Trạng thái",
    "Nội dung",
    "Chênh lệch",
    "Tổng cộng",
    "Kế hoạch",
    "Thực tế",
    "Tải về",
    "Bàn điều khiển",
    "Chưa diễn ra",
    "Về phía",
    "Tham luận",
)


def document(path: Path = ENGLISH_AGENDA) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def refusal(changed: dict) -> list[str]:
    with pytest.raises(AgendaError) as caught:
        parse_agenda(json.dumps(changed, ensure_ascii=False))
    return [str(problem) for problem in caught.value.problems]


# --------------------------------------------------------------------------- #
# The model


def test_an_agenda_with_translations_loads_and_each_text_reads_in_its_language():
    agenda = load_agenda(ENGLISH_AGENDA)
    event, opening, visit = agenda.event, agenda.items[1], agenda.items[-1]
    assert localized(event, "title", "en").startswith("Mid-year review of the 2023")
    assert localized(event, "title", "vi") == event.title
    assert localized(event, "banner_lines", "en")[1] == "CONFERENCE"
    assert localized(opening, "title", "en") == (
        "Statement of purpose and introduction of the delegates"
    )
    assert localized(opening, "presenter_role", "en") == "Leader of the Department of Home Affairs"
    assert localized(opening, "presenter_role", "vi") == "Lãnh đạo Sở Nội vụ"
    # No kind_label of its own: the kind's, from the catalogue.
    assert localized(opening, "kind_label", "en") == "Opening remarks"
    assert localized(opening, "kind_label", "vi") == "Tuyên bố lý do"
    # Nothing translated, or a language the agenda does not give: as written.
    assert localized(visit, "presenter_organisation", "en") == ""
    assert localized(opening, "tech_notes", "en") == opening.spec.tech_notes
    assert localized(opening, "title", "fr") == opening.title
    with i18n.language("en"):
        assert localized(opening, "title") == localized(opening, "title", "en")


def test_an_item_with_a_label_of_its_own_keeps_it_unless_translated():
    raw = document(BUNDLED_AGENDA)
    raw["items"][0]["kind_label"] = "Văn nghệ dân tộc"
    raw["items"][1]["kind_label"] = "Khai mạc"
    raw["items"][1]["translations"] = {"en": {"kind_label": "Opening"}}
    agenda = parse_agenda(json.dumps(raw, ensure_ascii=False))
    assert localized(agenda.items[0], "kind_label", "en") == "Văn nghệ dân tộc"
    assert localized(agenda.items[1], "kind_label", "en") == "Opening"
    assert localized(agenda.items[2], "kind_label", "en") == "Opening speech"


def test_bad_translations_are_refused_each_with_its_place():
    raw = document()
    raw["event"]["translations"]["EN"] = {"title": "Shouting"}
    raw["event"]["translations"]["en"]["banner_lines"] = []
    raw["items"][2]["translations"]["en"]["titel"] = "Opening"
    raw["items"][3]["translations"]["en"]["title"] = ""
    raw["items"][4]["translations"]["fr"] = "Adoption"
    raw["items"][5]["translations"]["en"]["kind_label"] = "x" * 41
    raw["delegates"][0]["translations"]["en"]["name"] = "Do Van Chien"
    raw["delegates"][1]["translations"]["english"] = {"title": "Representative"}
    problems = refusal(raw)
    places = [problem.split(": ", 1)[0] for problem in problems]
    assert sorted(places) == sorted(
        [
            "event.translations.EN",
            "event.translations.en.banner_lines",
            "items[2].translations.en.titel",
            "items[3].translations.en.title",
            "items[4].translations.fr",
            "items[5].translations.en.kind_label",
            "delegates[0].translations.en.name",
            "delegates[1].translations.english",
        ]
    ), problems
    said = dict(problem.split(": ", 1) for problem in problems)
    assert said["event.translations.EN"] == (
        'mã ngôn ngữ phải là 2 hoặc 3 chữ cái thường, ví dụ "en" (nhận được "EN")'
    )
    assert "không được hỗ trợ" in said["delegates[0].translations.en.name"]
    assert all(re.search("[ảạầếệịọốộớờủứữỳ]", message) for message in said.values()), said


def test_the_bundled_agenda_still_loads_with_no_translations():
    agenda = load_agenda(BUNDLED_AGENDA)
    assert all(not item.spec.translations for item in agenda.items)
    assert localized(agenda.items[0], "title", "en") == agenda.items[0].title


def test_a_live_edit_leaves_the_translations_as_they_are_and_may_change_them():
    agenda = load_agenda(ENGLISH_AGENDA)
    item = agenda.items[5]
    retitled = edited(
        agenda,
        commands.EditItem(
            command="edit_item", item_id=item.id, changes={"title": "Tham luận của Hà Nội"}
        ),
    )
    assert retitled.items[5].title == "Tham luận của Hà Nội"
    assert retitled.items[5].spec.translations == item.spec.translations
    assert retitled.event.translations == agenda.event.translations
    translated = edited(
        retitled,
        commands.EditItem(
            command="edit_item",
            item_id=item.id,
            changes={"translations": {"en": {"title": "Ha Noi's speech"}}},
        ),
    )
    assert localized(translated.items[5], "title", "en") == "Ha Noi's speech"


def test_the_exported_agenda_keeps_the_translations_and_writes_no_empty_ones():
    from runshow.sheets import agenda_json

    agenda = load_agenda(ENGLISH_AGENDA)
    exported = agenda_json(agenda)
    assert parse_agenda(exported).spec == agenda.spec
    assert "null" not in json.dumps(json.loads(exported)["items"][12]["translations"])
    assert '"translations"' not in agenda_json(load_agenda(BUNDLED_AGENDA))


def test_a_rehearsal_moves_the_date_of_the_translated_place_and_date_line():
    agenda = load_agenda(ENGLISH_AGENDA)
    rehearsal = agenda.rehearsal_at(agenda.start_ms - 24 * 3600 * 1000)
    assert localized(rehearsal.event, "banner_place_date", "en") == "Can Tho, 27 July 2023"
    assert rehearsal.event.banner_place_date == "Cần Thơ, ngày 27 tháng 7 năm 2023"


# --------------------------------------------------------------------------- #
# The MC's introduction


def test_the_introduction_speaks_the_current_language_with_the_delegates_translations():
    delegates = load_agenda(ENGLISH_AGENDA).spec.delegates
    vietnamese = introduction(delegates)
    assert vietnamese[0].lead == "Về phía Trung ương, xin trân trọng giới thiệu:"
    assert vietnamese[0].lines[0].startswith("Đồng chí Đỗ Văn Chiến, Bí thư Trung ương Đảng")
    with i18n.language("en"):
        english = introduction(delegates)
    assert english == introduction(delegates, "en")
    assert [p.lead for p in english] == [
        ENGLISH_LEAD,
        "On behalf of the Emulation Cluster of the Five Centrally Governed Cities, "
        "we are honoured to introduce:",
        "On behalf of Can Tho City, we are honoured to introduce:",
    ]
    assert (
        english[0]
        .lines[0]
        .startswith("Comrade Đỗ Văn Chiến, Secretary of the Party Central Committee")
    )
    assert (
        english[0].lines[1] == "Representative of the leadership of the Ministry of Home Affairs;"
    )
    assert english[-1].lines[-1] == "The press, radio and television covering the conference."


def test_untranslated_delegates_are_introduced_in_english_sentences_as_written():
    delegates = load_agenda(BUNDLED_AGENDA).spec.delegates
    english = introduction(delegates, "en")
    assert english[0].lead == "On behalf of Trung ương, we are honoured to introduce:"
    assert english[0].lines[0].startswith("Đồng chí Đỗ Văn Chiến, Bí thư")


# --------------------------------------------------------------------------- #
# The programme payload


def test_the_programme_carries_the_translations_to_each_audience():
    agenda = load_agenda(ENGLISH_AGENDA)
    public = protocol.programme_payload(agenda, "public")
    mc = protocol.programme_payload(agenda, "mc")
    protocol.validate(protocol.Programme, public)
    protocol.validate(protocol.Programme, mc)
    assert public["event"]["translations"]["en"]["banner_place_date"] == "Can Tho, 28 July 2023"
    first = public["items"][5]["translations"]["en"]
    assert first["title"] == "Discussion speech of the leader of the People's Committee of Ha Noi"
    assert first["kind_label"] == "Discussion speech"
    assert first["presenter_organisation"] == "Ha Noi City"
    # The MC's words stay out of the public programme in every language.
    assert all("mc_script" not in item["translations"]["en"] for item in public["items"])
    assert mc["items"][1]["translations"]["en"]["mc_script"].startswith("Distinguished leaders")
    assert mc["delegates"][0]["translations"] == {
        "en": {
            "honorific": "Comrade",
            "title": load_agenda(ENGLISH_AGENDA).spec.delegates[0].translations["en"].title,
            "group": "the Central Government",
        }
    }
    paragraph = mc["introduction"][0]
    assert paragraph["lead"] == "Về phía Trung ương, xin trân trọng giới thiệu:"
    assert paragraph["translations"]["en"]["lead"] == ENGLISH_LEAD
    assert paragraph["translations"]["en"]["group"] == "the Central Government"


def test_the_programme_is_the_same_whatever_language_builds_it():
    """Encoded once per view for every screen: no screen's language may leak into it."""
    agenda = load_agenda(ENGLISH_AGENDA)
    with i18n.language("en"):
        english = protocol.programme_payload(agenda, "mc")
    assert english == protocol.programme_payload(agenda, "mc")
    assert english["items"][1]["kind_label"] == "Tuyên bố lý do"


@pytest.fixture
def app(tmp_path, clock):
    """This module's app serves the programme with English translations: conftest's
    `technician` and `sockets` use it."""
    with running_app(tmp_path / "data", clock, RUNSHOW_AGENDA=str(ENGLISH_AGENDA)) as app:
        yield app


def test_an_english_mc_tablet_is_sent_the_translations(app, sockets):
    socket = sockets.connect("/live", role="mc", auth=mc_auth(app))
    (programme,) = events_named(socket, "/live", "programme")
    assert programme["event"]["translations"]["en"]["organiser"] == (
        "People's Committee of Can Tho City"
    )
    assert programme["introduction"][0]["translations"]["en"]["lead"] == ENGLISH_LEAD


# --------------------------------------------------------------------------- #
# The printout and the report


def page_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_printout_in_english(technician):
    html = technician.get("/print?lang=en").get_data(as_text=True)
    text = page_text(html)
    assert '<html lang="en">' in html
    for words in (
        "MC script",
        "Technical run sheet",
        "Can Tho, 28 July 2023 · starts at 08:00",
        "planned end 10:15",
        "Statement of purpose and introduction of the delegates",
        "Opening remarks · ",
        "Leader of the Department of Home Affairs Can Tho City",
        ENGLISH_LEAD,
        "Comrade Đỗ Văn Chiến, Secretary of the Party Central Committee",
        "Distinguished leaders, honoured delegates, ladies and gentlemen!",
        "Technical notes",
        "count-up",
    ):
        assert words in text, words
    # The technician's notes have no translation (the agenda's own words, as written).
    interface = page_text(re.sub(r'<td class="notes">.*?</td>', "", html, flags=re.S))
    assert [word for word in VIETNAMESE_WORDS if word in interface] == []


def test_the_printout_stays_vietnamese_by_default(technician):
    text = page_text(technician.get("/print").get_data(as_text=True))
    assert "Kịch bản dẫn chương trình (MC)" in text
    assert "Cần Thơ, ngày 28 tháng 7 năm 2023 · bắt đầu 08:00" in text
    assert "Về phía Trung ương, xin trân trọng giới thiệu:" in text
    assert "Tuyên bố lý do, giới thiệu đại biểu" in text
    assert "Statement of purpose" not in text


def run_a_little(app, clock) -> None:
    """Start the first item, let it run over, move on: the report then has figures."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {CONTROL_KEY}"}
    first = load_agenda(ENGLISH_AGENDA).items[0].id
    assert (
        client.post(
            "/api/command", json={"command": "start", "item_id": first}, headers=headers
        ).status_code
        == 200
    )
    clock.advance(11 * 60)
    assert client.post("/api/command", json={"command": "next"}, headers=headers).status_code == 200


def test_the_report_in_english(app, technician, clock):
    run_a_little(app, clock)
    html = technician.get("/report?lang=en").get_data(as_text=True)
    text = page_text(html)
    for words in (
        "Programme report",
        "Mid-year review of the 2023 emulation pact",
        "Can Tho, 28 July 2023",
        "Planned end:",
        "Download Excel (.xlsx)",
        "No.",
        "Over / under",
        "Welcome performance",
        "Performing troupe Can Tho Department of Culture, Sports and Tourism",
        "Total",
    ):
        assert words in text, words
    assert 'aria-label="Timeline: planned and actual times of each item"' in html
    assert 'href="/report.xlsx?lang=en"' in html and 'href="/report.csv?lang=en"' in html
    assert [word for word in VIETNAMESE_WORDS if word in text] == []


def test_the_csv_and_the_workbook_in_english(app, technician, clock):
    from openpyxl import load_workbook

    run_a_little(app, clock)
    table = list(
        csv.reader(
            io.StringIO(
                technician.get("/report.csv?lang=en").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    assert table[0][:4] == ["No.", "Item", "Presenter", "Status"]
    assert table[1][1] == "Welcome performance"
    assert table[-1][1] == "Total"
    response = technician.get("/report.xlsx?lang=en")
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook.active
    assert sheet.title == "Report"
    column = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert column[0] == "Programme report: planned and actual"
    assert column[1].startswith("Mid-year review of the 2023")
    assert column[3] == "28 July 2023, starts at 08:00"
    vietnamese = load_workbook(io.BytesIO(technician.get("/report.xlsx").data)).active
    heading = [row[0] for row in vietnamese.iter_rows(values_only=True)][:4]
    assert heading[0] == "Báo cáo chương trình: kế hoạch và thực tế"
    assert heading[3] == "Ngày 28/07/2023, bắt đầu 08:00"
