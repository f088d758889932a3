"""Timeline events of the file itself: opening, consents given and withdrawn, merges."""

from django.utils.translation import gettext as _

from tisser.beneficiaries.models import Beneficiary, Consent
from tisser.core.timeline import TimelineEvent


def timeline_events(beneficiary):
    yield TimelineEvent(
        at=beneficiary.created_at,
        kind="beneficiary.created",
        title=_("Dossier ouvert"),
        detail=_("Dossier n° %(number)s") % {"number": beneficiary.file_number},
    )
    for consent in Consent.objects.filter(beneficiary=beneficiary):
        label = consent.get_kind_display()
        yield TimelineEvent(
            at=consent.given_at,
            kind="consent.given",
            title=_("Consentement donné"),
            detail=label,
        )
        if consent.withdrawn_at:
            yield TimelineEvent(
                at=consent.withdrawn_at,
                kind="consent.withdrawn",
                title=_("Consentement retiré"),
                detail=label,
            )
    merged = Beneficiary.objects.filter(merged_into=beneficiary).only(
        "pk", "file_number", "updated_at"
    )
    for duplicate in merged:
        yield TimelineEvent(
            at=duplicate.updated_at,
            kind="beneficiary.merged",
            title=_("Doublon fusionné dans ce dossier"),
            detail=_("Ancien dossier n° %(number)s") % {"number": duplicate.file_number},
        )
