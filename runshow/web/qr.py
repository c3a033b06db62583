"""QR codes for the home page, so the MC and delegates can scan a screen's address."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return Markup(image.to_string(encoding="unicode"))
