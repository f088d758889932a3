"""Half-days of a session, for its signature sheets (feuilles d'émargement, helper R).

A session that runs over 13:00 (local time) is signed twice: a morning sheet and an
afternoon sheet, each with the session's own times; any other session has one sheet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SPLIT = datetime.time(13, 0)


@dataclass(frozen=True)
class HalfDay:
    key: str  # "day", "morning" or "afternoon"
    label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def half_days(session) -> list[HalfDay]:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    split = start.replace(hour=SPLIT.hour, minute=SPLIT.minute, second=0, microsecond=0)
    if start < split < end and start.date() == end.date():
        return [
            HalfDay("morning", str(_("Matin")), start, split),
            HalfDay("afternoon", str(_("Après-midi")), split, end),
        ]
    label = _("Matin") if end <= split else _("Après-midi") if start >= split else _("Séance")
    return [HalfDay("day", str(label), start, end)]
