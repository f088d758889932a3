"""The person's access rights on their file: openings, renewals, suspension, end; and the
way to their right and what remains of their quotas (decision 0046)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.core import clock
from tisser.core.dates import format_day
from tisser.core.timeline import FileAction, TimelineEvent
from tisser.sales.enums import RenewalDecision, RightOpening, RightStatus
from tisser.sales.models import AccessRight, AccessRightRenewal
from tisser.sales.services import READ_ROLES


def _aware_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def timeline_events(beneficiary):
    today = clock.localdate()
    rights = list(AccessRight.objects.filter(beneficiary=beneficiary).select_related("site"))
    for right in rights:
        origin = (
            _("après un bon d'orientation")
            if right.opened_by == RightOpening.REFERRAL
            else _("sur décision : %(reason)s") % {"reason": right.decision_reason}
        )
        yield TimelineEvent(
            at=right.created_at,
            kind="access_right.opened",
            title=_("Droit d'accès solidaire ouvert"),
            detail=_("Du %(start)s au %(end)s, %(origin)s — %(site)s")
            % {
                "start": format_day(right.starts_on),
                "end": format_day(right.ends_on),
                "origin": origin,
                "site": right.site.name,
            },
            url=right.get_absolute_url(),
        )
        status = right.status_on(today)
        if status == RightStatus.SUSPENDED:
            yield TimelineEvent(
                at=_aware_day(right.suspended_on),
                kind="access_right.suspended",
                title=_("Droit d'accès suspendu"),
                detail=right.suspension_reason,
            )
        elif status == RightStatus.CLOSED:
            yield TimelineEvent(
                at=_aware_day(right.closed_on),
                kind="access_right.closed",
                title=_("Droit d'accès clos"),
                detail=right.exit_reason(),
            )
        elif status == RightStatus.EXPIRED:
            yield TimelineEvent(
                at=_aware_day(right.ends_on),
                kind="access_right.expired",
                title=_("Droit d'accès arrivé à son terme"),
                detail=_("Le %(date)s") % {"date": format_day(right.ends_on)},
            )
    renewals = AccessRightRenewal.objects.filter(access_right__beneficiary=beneficiary).exclude(
        decision=RenewalDecision.PENDING
    )
    for renewal in renewals:
        accepted = renewal.decision == RenewalDecision.ACCEPTED
        yield TimelineEvent(
            at=renewal.decided_at,
            kind=f"access_right.renewal_{renewal.decision}",
            title=_("Droit d'accès renouvelé") if accepted else _("Renouvellement refusé"),
            detail=(
                _("Jusqu'au %(date)s") % {"date": format_day(renewal.new_ends_on)}
                if accepted
                else renewal.decision_note
            ),
        )


def file_actions(beneficiary, membership):
    if membership is None or membership.role not in READ_ROLES:
        return []
    if beneficiary.merged_into_id is not None:
        return []
    return [
        FileAction(
            label=_("Droit d'accès solidaire et quotas"),
            url=reverse("sales:person", kwargs={"beneficiary_id": beneficiary.pk}),
        )
    ]
