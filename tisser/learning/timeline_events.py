"""Timeline provider: the modules a person started and finished, so the team follows them.

« Module « Écrire un e-mail » commencé », then « Module « Écrire un e-mail » terminé —
8 étapes, 2 avec la réponse montrée », dated by its end; the reminders sent to the person
(« SMS : Rappel : un module attend la personne », with what became of it: nudges.py).
Two queries per file. The file's
site team and the network admins are offered « Modules » (``file_actions``): give some,
follow what was done, print the sheet.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.accounts.enums import Role
from tisser.beneficiaries.models import works_on_file
from tisser.core.timeline import FileAction, TimelineEvent
from tisser.learning.content import module
from tisser.learning.enums import StepOutcome
from tisser.learning.models import ModuleProgress
from tisser.learning.nudges import nudges

SITE_TEAM = (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)


def timeline_events(beneficiary) -> list[TimelineEvent]:
    return [*_module_events(beneficiary), *_nudge_events(beneficiary)]


def _nudge_events(beneficiary) -> list[TimelineEvent]:
    """One event per reminder: by which channel, what became of it; the page of the
    person's modules says when the next one may go."""
    url = reverse("modules:person", kwargs={"pk": beneficiary.pk})
    return [
        TimelineEvent(
            at=notification.created_at,
            kind=f"notification.{notification.status}",
            title=_("%(channel)s : %(label)s")
            % {"channel": notification.get_channel_display(), "label": notification.label},
            detail=notification.get_status_display(),
            url=url,
        )
        for notification in nudges().filter(subject_id=beneficiary.pk).order_by("created_at", "pk")
    ]


def _module_events(beneficiary) -> list[TimelineEvent]:
    rows = (
        ModuleProgress.objects.filter(beneficiary=beneficiary)
        .annotate(
            step_count=Count("steps"),
            shown_count=Count("steps", filter=Q(steps__outcome=StepOutcome.SHOWN)),
        )
        .order_by()
    )
    events = []
    for row in rows:
        found = module(row.module_key)
        title = found.title if found else row.module_key
        events.append(
            TimelineEvent(
                at=row.started_at,
                kind="learning.started",
                title=_("Module « %(title)s » commencé") % {"title": title},
            )
        )
        if row.finished_at is None:
            continue
        detail = ngettext("%(count)s étape", "%(count)s étapes", row.step_count) % {
            "count": row.step_count
        }
        if row.shown_count:
            detail += ngettext(
                ", %(count)s avec la réponse montrée",
                ", %(count)s avec la réponse montrée",
                row.shown_count,
            ) % {"count": row.shown_count}
        events.append(
            TimelineEvent(
                at=row.finished_at,
                kind="learning.finished",
                title=_("Module « %(title)s » terminé") % {"title": title},
                detail=detail,
            )
        )
    return events


def file_actions(beneficiary, membership) -> list[FileAction]:
    if not works_on_file(membership, beneficiary, site_roles=SITE_TEAM):
        return []
    url = reverse("modules:person", kwargs={"pk": beneficiary.pk})
    return [FileAction(label=_("Modules"), url=url)]
