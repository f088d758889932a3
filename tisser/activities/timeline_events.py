"""Timeline provider: the activity records a file took part in (found by core.timeline).

One query per file, whatever the number of records. Titles are plain French; the notes are
not shown here (they are read on the record's own page).
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.activities.enums import ProcedureTheme, Theme
from tisser.activities.models import Activity
from tisser.activities.services import WRITER_ROLES
from tisser.core.timeline import FileAction, TimelineEvent

_THEME_LABELS = {**dict(Theme.choices), **dict(ProcedureTheme.choices)}


def timeline_events(beneficiary) -> list[TimelineEvent]:
    records = (
        Activity.objects.filter(participations__beneficiary=beneficiary)
        .select_related("mediator")
        .order_by("date", "pk")
    )
    events = []
    for activity in records:
        themes = ", ".join(str(_THEME_LABELS.get(code, code)) for code in activity.themes)
        events.append(
            TimelineEvent(
                # The record's day, at the time it was written (a date alone sorts badly).
                at=activity.created_at,
                kind=f"activity.{activity.kind}",
                title=_("%(kind)s du %(date)s (%(minutes)s min)")
                % {
                    "kind": activity.get_kind_display(),
                    "date": activity.date.strftime("%d/%m/%Y"),
                    "minutes": activity.duration_minutes,
                },
                detail=_("%(themes)s — avec %(who)s")
                % {"themes": themes, "who": activity.mediator},
                url=activity.get_absolute_url(),
            )
        )
    return events


def file_actions(beneficiary, membership) -> list[FileAction]:
    """« Noter une activité » with this person, for the writers of the file's own space."""
    if (
        membership is None
        or not membership.is_active
        or membership.role not in WRITER_ROLES
        or membership.organisation_id != beneficiary.site_id
        or beneficiary.merged_into_id
    ):
        return []
    url = f"{reverse('activities:create')}?{urlencode({'dossier': beneficiary.pk})}"
    return [FileAction(label=_("Noter une activité"), url=url)]
