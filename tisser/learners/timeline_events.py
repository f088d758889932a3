"""Timeline provider: the person's learner cards, made and stopped (found by core.timeline).

One query per file. Nothing here holds a code. The file's site team is offered
« Carte d'accès apprenant » (``file_actions``).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.core.timeline import FileAction, TimelineEvent
from tisser.learners.models import LearnerCard
from tisser.learners.services import CARD_ROLES


def timeline_events(beneficiary) -> list[TimelineEvent]:
    cards = LearnerCard.objects.filter(beneficiary=beneficiary).select_related(
        "issued_by", "revoked_by"
    )
    url = reverse("learners:card_manage", kwargs={"pk": beneficiary.pk})
    events = []
    for card in cards:
        events.append(
            TimelineEvent(
                at=card.issued_at,
                kind="learner_card.issued",
                title=_("Carte d'accès apprenant faite"),
                detail=_("par %(who)s") % {"who": card.issued_by} if card.issued_by else "",
                url=url,
            )
        )
        if card.revoked_at is not None:
            events.append(
                TimelineEvent(
                    at=card.revoked_at,
                    kind="learner_card.revoked",
                    title=_("Carte d'accès apprenant désactivée"),
                    detail=_("par %(who)s") % {"who": card.revoked_by} if card.revoked_by else "",
                    url=url,
                )
            )
    return events


def file_actions(beneficiary, membership) -> list[FileAction]:
    """« Carte d'accès apprenant » for the site team that holds the file."""
    if (
        membership is None
        or not membership.is_active
        or membership.role not in CARD_ROLES
        or membership.organisation_id != beneficiary.site_id
        or beneficiary.merged_into_id
    ):
        return []
    url = reverse("learners:card_manage", kwargs={"pk": beneficiary.pk})
    return [FileAction(label=_("Carte d'accès apprenant"), url=url)]
