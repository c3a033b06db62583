"""Write docs/agenda-template.xlsx: the bundled programme in the sheet layout that
`runshow import` reads (docs/sheet-format.md). Run after changing either:

    .venv/bin/python scripts/make_agenda_template.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from runshow.agenda import load_agenda  # noqa: E402
from runshow.sheets import write_workbook  # noqa: E402

TEMPLATE = ROOT / "docs" / "agenda-template.xlsx"


def main() -> None:
    write_workbook(load_agenda(ROOT / "agenda.json"), TEMPLATE)
    print(f"wrote {TEMPLATE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
