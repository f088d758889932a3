"""Timeline provider: the person's exercise sittings, so the team follows their progress.

One line per sitting (the practice; the modules' later), dated by its last answer: how many
items were done and how many right. One query per file. The diagnostic's sittings are left
to the diagnostics' own provider, which gives their levels (decision 0052).
"""

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tisser.core.timeline import TimelineEvent
from tisser.exercises.enums import ContextKind
from tisser.exercises.models import Answer


def timeline_events(beneficiary) -> list[TimelineEvent]:
    sittings = (
        Answer.objects.filter(beneficiary=beneficiary)
        .exclude(context_kind=ContextKind.DIAGNOSTIC)
        .values("context_kind", "context_id")
        .annotate(
            last=Max("answered_at"),
            items=Count("item_key", distinct=True),
            right=Count("item_key", distinct=True, filter=Q(correct=True)),
        )
        .order_by()
    )
    kinds = dict(ContextKind.choices)
    events = []
    for sitting in sittings:
        done = ngettext(
            "%(count)s exercice fait", "%(count)s exercices faits", sitting["items"]
        ) % {"count": sitting["items"]}
        right = ngettext("%(count)s réussi", "%(count)s réussis", sitting["right"]) % {
            "count": sitting["right"]
        }
        events.append(
            TimelineEvent(
                at=sitting["last"],
                kind=f"exercises.{sitting['context_kind']}",
                title=_("Exercices : %(kind)s")
                % {"kind": kinds.get(sitting["context_kind"], sitting["context_kind"])},
                detail=f"{done}, {right}",
            )
        )
    return events
