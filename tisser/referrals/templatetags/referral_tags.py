"""``{% load referral_tags %}``: the status badge and the planned appointment of a referral.

Tags rather than ``{% include %}``: a list page draws them on each of its 50 rows, and an
include costs a template render per row (docs/decisions/0018-signed-in-page-cost.md).
"""

from django import template
from django.utils.html import format_html

from tisser.core.dates import format_when
from tisser.referrals.enums import ReferralStatus

register = template.Library()

BADGE_CLASSES = {
    ReferralStatus.SUBMITTED: " badge-warn",
    ReferralStatus.MODERATION_PENDING: " badge-warn",
    ReferralStatus.ACCEPTED: " badge-ok",
    ReferralStatus.CONSUMED: " badge-ok",
    ReferralStatus.REJECTED: " badge-err",
    ReferralStatus.MODERATION_REJECTED: " badge-err",
    ReferralStatus.EXPIRED: " badge-err",
}


@register.simple_tag
def status_badge(referral):
    """``<span class="badge badge-…">Envoyé</span>``: the colour says what the status asks."""
    return format_html(
        '<span class="badge{}">{}</span>',
        BADGE_CLASSES.get(referral.status, ""),
        referral.get_status_display(),
    )


@register.simple_tag
def planned_appointment(referral):
    """When the planned appointment is (``referral.planned_appointments``, prefetched), or —."""
    appointments = referral.planned_appointments
    if not appointments:
        return "—"
    return "".join(format_when(appointment.starts_at) for appointment in appointments)
