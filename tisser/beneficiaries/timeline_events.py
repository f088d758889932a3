"""Timeline events of the file itself: opening, consents, merges, accompaniment periods."""

from django.utils.translation import gettext as _

from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary, Consent, HouseholdMember
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
    periods = AccompanimentPeriod.objects.filter(beneficiary=beneficiary).select_related("site")
    for period in periods:
        yield TimelineEvent(
            at=period.created_at,
            kind="period.opened",
            title=_("Début de l'accompagnement"),
            detail=_("%(origin)s — %(site)s")
            % {"origin": period.get_opened_by_display(), "site": period.site.name},
        )
        if period.closed_on is not None:
            yield TimelineEvent(
                at=period.updated_at,
                kind="period.closed",
                title=_("Fin de l'accompagnement"),
                detail=period.get_close_reason_display(),
            )
    links = HouseholdMember.objects.filter(beneficiary=beneficiary)
    for link in links:
        yield TimelineEvent(
            at=link.joined_at,
            kind="household.joined",
            title=_("Rattachée à un foyer"),
            detail=_("Foyer n° %(number)s") % {"number": link.household_id},
        )
        if link.left_at is not None:
            yield TimelineEvent(
                at=link.left_at,
                kind="household.left",
                title=_("Retirée du foyer"),
                detail=_("Foyer n° %(number)s") % {"number": link.household_id},
            )
