// Generated from runshow/words.py by `python -m runshow.generate`: do not edit.
// Words the server writes and the pages show alike.

/** Where an item stands. */
export const ITEM_STATUS_WORDS = Object.freeze({
  "done": "Đã xong",
  "now": "Đang diễn ra",
  "next": "Tiếp theo",
  "skipped": "Chưa diễn ra (đã chuyển qua)",
  "upcoming": "Chưa diễn ra"
});

/** Each audience's screen, by its role. */
export const ROLE_NAMES = Object.freeze({
  "control": "Bàn điều khiển",
  "stage": "Màn hình sân khấu",
  "speaker": "Màn hình diễn giả",
  "mc": "Máy tính bảng MC",
  "programme": "Chương trình (đại biểu)",
  "clock": "Đồng hồ phòng điều khiển",
  "prompter": "Máy nhắc chữ (prompter)"
});
