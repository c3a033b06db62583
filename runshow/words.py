"""Words the server writes and the pages show alike, defined once.

The pages read them from ``static/js/words.js``, generated from this module by
``python -m runshow.generate`` (a test checks the file is current), so the report,
the home page and the screens never call one thing by two names.
"""

from __future__ import annotations

#: Where an item stands (`ScheduleItem.status`). The screens leave `upcoming` unsaid
#: in their lists; the report writes it.
ITEM_STATUS_WORDS = {
    "done": "Đã xong",
    "now": "Đang diễn ra",
    "next": "Tiếp theo",
    "skipped": "Chưa diễn ra (đã chuyển qua)",
    "upcoming": "Chưa diễn ra",
}

#: Each audience's screen (`ScreenInfo.role`), as the home page, `serve` and the
#: console's list of screens name it.
ROLE_NAMES = {
    "control": "Bàn điều khiển",
    "stage": "Màn hình sân khấu",
    "speaker": "Màn hình diễn giả",
    "mc": "Máy tính bảng MC",
    "programme": "Chương trình (đại biểu)",
    "clock": "Đồng hồ phòng điều khiển",
    "prompter": "Máy nhắc chữ (prompter)",
}
