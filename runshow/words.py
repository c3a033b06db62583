"""Words the server writes and the pages show alike, defined once.

The pages get them in their language with their catalogue (runshow/web/language.py,
``static/js/words.js``), so the report, the home page and the screens never call one
thing by two names. Each is a message (`N_`): `item_status_word` and `role_name` say it
in the current language.
"""

from __future__ import annotations

from runshow.i18n import N_, _

#: Where an item stands (`ScheduleItem.status`). The screens leave `upcoming` unsaid
#: in their lists; the report writes it.
ITEM_STATUS_WORDS = {
    "done": N_("Đã xong"),
    "now": N_("Đang diễn ra"),
    "next": N_("Tiếp theo"),
    "skipped": N_("Chưa diễn ra (đã chuyển qua)"),
    "upcoming": N_("Chưa diễn ra"),
}

#: Each audience's screen (`ScreenInfo.role`), as the home page, `serve` and the
#: console's list of screens name it.
ROLE_NAMES = {
    "control": N_("Bàn điều khiển"),
    "stage": N_("Màn hình sân khấu"),
    "speaker": N_("Màn hình diễn giả"),
    "mc": N_("Máy tính bảng MC"),
    "programme": N_("Chương trình (đại biểu)"),
    "clock": N_("Đồng hồ phòng điều khiển"),
    "prompter": N_("Máy nhắc chữ (prompter)"),
}


def item_status_word(status: str) -> str:
    return _(ITEM_STATUS_WORDS[status])


def role_name(role: str) -> str:
    return _(ROLE_NAMES[role])
