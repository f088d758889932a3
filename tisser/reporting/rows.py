"""Small expressions the reference implementations share (``tisser/reporting/sources``)."""

from __future__ import annotations

import datetime

from django.db.models import CharField, DateField, F, IntegerField, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone

from tisser.core.dates import start_of_day
from tisser.reporting.enums import FacetKind
from tisser.reporting.indicators import Window


def person(path: str) -> Coalesce:
    """The file counted for the beneficiary at ``path``: the file it was merged into, if
    any (``<path>__merged_into_id``), else itself (``<path>_id``)."""
    return Coalesce(F(f"{path}__merged_into_id"), F(f"{path}_id"), output_field=IntegerField())


def facet(kind: FacetKind, id_path: str):
    """``"<kind>:<id>"`` for the id at ``id_path``; ``""`` when it is null."""
    return Coalesce(
        Concat(Value(f"{kind.value}:"), Cast(F(id_path), CharField())),
        Value(""),
        output_field=CharField(),
    )


def no_key() -> Value:
    return Value("", output_field=CharField())


def in_window(window: Window, *, day: str, site: str = "site_id") -> Q:
    """Rows whose ``day`` field is within the window, at its sites."""
    q = Q(**{f"{day}__gte": window.start, f"{day}__lte": window.end})
    if window.site_ids is not None:
        q &= Q(**{f"{site}__in": sorted(window.site_ids)})
    return q


def paris_day(path: str) -> TruncDate:
    """The Paris day of the moment at ``path`` (a DateTimeField)."""
    return TruncDate(path, tzinfo=timezone.get_current_timezone(), output_field=DateField())


def in_window_at(window: Window, *, at: str, site: str = "site_id") -> Q:
    """Rows whose moment ``at`` falls on a Paris day of the window, at its sites."""
    q = Q(**{f"{at}__gte": start_of_day(window.start)})
    q &= Q(**{f"{at}__lt": start_of_day(window.end + datetime.timedelta(days=1))})
    if window.site_ids is not None:
        q &= Q(**{f"{site}__in": sorted(window.site_ids)})
    return q
