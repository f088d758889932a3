"""Timeline provider: each finished diagnostic on the person's file, with a link to its results.

« Diagnostic d'entrée terminé — 2 domaines autonomes sur 6 », dated when it finished. One
query per file, however many sittings.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.core.timeline import TimelineEvent
from tisser.diagnostics.enums import AUTONOMY_LEVEL, DiagnosticKind
from tisser.diagnostics.models import Diagnostic


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
