"""The card's addresses and QR code, as printed, shown and sent by SMS."""

import segno
from django.conf import settings
from django.urls import reverse


def _absolute(path: str) -> str:
    return (settings.PUBLIC_BASE_URL or "").rstrip("/") + path


def card_url(card) -> str:
    """The link the QR code holds (and the SMS): it opens the « Entrer » page of the card."""
    return _absolute(reverse("learners:card", kwargs={"token": card.token}))


def sign_in_url() -> str:
    """Where to type the code: short enough to copy from paper."""
    return _absolute(reverse("learners:sign_in"))


def qr_data_uri(url: str, *, scale: int = 6) -> str:
    """The QR code of ``url`` as an SVG ``data:`` URI (no file, nothing fetched; the page's
    CSP and the PDF engine both accept ``data:`` images). Error correction M: a folded or
    slightly stained card still reads."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=scale, border=2)
