"""The person's file and the diagnostic (found by core.timeline).

Events: each finished diagnostic, « Diagnostic d'entrée terminé — 2 domaines autonomes sur
6 », dated when it finished, with a link to its results (one query per file, however many
sittings). Actions: the site team that holds the file and the network admins are offered
the page where the entry or exit diagnostic is started with the person or on paper, or
resumed.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.accounts.enums import Role
from tisser.beneficiaries.models import works_on_file
from tisser.core.timeline import FileAction, TimelineEvent
from tisser.diagnostics.enums import AUTONOMY_LEVEL, DiagnosticKind
from tisser.diagnostics.models import Diagnostic

SITE_TEAM = (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)


def timeline_events(beneficiary) -> list[TimelineEvent]:
    sittings = (
        Diagnostic.objects.finished()
        .filter(beneficiary=beneficiary)
        .annotate(
            domain_count=Count("results"),
            autonomous=Count("results", filter=Q(results__level__gte=AUTONOMY_LEVEL)),
        )
        .order_by("finished_at", "pk")
    )
    events = []
    for sitting in sittings:
        title = (
            _("Diagnostic d'entrée terminé")
            if sitting.kind == DiagnosticKind.ENTRY
            else _("Diagnostic de sortie terminé")
        )
        if sitting.autonomous:
            detail = ngettext(
                "%(count)s domaine autonome sur %(total)s",
                "%(count)s domaines autonomes sur %(total)s",
                sitting.autonomous,
            ) % {"count": sitting.autonomous, "total": sitting.domain_count}
        else:
            detail = _("aucun domaine autonome sur %(total)s") % {"total": sitting.domain_count}
        events.append(
            TimelineEvent(
                at=sitting.finished_at,
                kind=f"diagnostic.{sitting.kind}",
                title=f"{title} — {detail}",
                url=reverse("diagnostics:results", kwargs={"pk": sitting.pk}),
            )
        )
    return events


def file_actions(beneficiary, membership) -> list[FileAction]:
    if not works_on_file(membership, beneficiary, site_roles=SITE_TEAM):
        return []
    url = reverse("diagnostics:person", kwargs={"pk": beneficiary.pk})
    return [FileAction(label=_("Diagnostic des compétences"), url=url)]
