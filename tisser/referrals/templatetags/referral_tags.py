"""``{% load referral_tags %}``: the status badge, the planned appointment, the inbox row.

Tags rather than ``{% include %}`` or template code in a loop: a list page draws them on
each of its rows, and the template engine spent half of the inbox's time on its rows
(docs/decisions/0018-signed-in-page-cost.md).
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from tisser.core.dates import format_ago, format_day, format_when
from tisser.core.links import id_url
from tisser.referrals.enums import AppointmentStatus, ReferralStatus

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


@register.simple_tag
def attendance(appointments):
    """What a referrer may know of the visit: « Venu le … », « Pas venu (rendez-vous du …) »,
    « Rendez-vous le … », or —. Read from the referral's appointments only (never the file)."""
    by_status: dict[str, list] = {}
    for appointment in sorted(appointments, key=lambda a: a.starts_at, reverse=True):
        by_status.setdefault(appointment.status, []).append(appointment)
    if AppointmentStatus.CAME in by_status:
        came = by_status[AppointmentStatus.CAME][0]
        return format_html(
            '<span class="badge badge-ok">{}</span>',
            gettext("Venu le %(day)s") % {"day": format_day(came.starts_at)},
        )
    if AppointmentStatus.PLANNED in by_status:
        planned = by_status[AppointmentStatus.PLANNED][0]
        return gettext("Rendez-vous le %(when)s") % {"when": format_when(planned.starts_at)}
    if AppointmentStatus.NO_SHOW in by_status:
        missed = by_status[AppointmentStatus.NO_SHOW][0]
        return format_html(
            '<span class="badge badge-warn">{}</span>',
            gettext("Pas venu (rendez-vous du %(day)s)") % {"day": format_day(missed.starts_at)},
        )
    return "—"


@register.simple_tag
def inbox_row(referral, show_site=False):
    """One row of the site inbox (referrals/inbox.html): the person, the space for network
    admins, who sent it, when, the status and the appointment. ``referral`` comes from
    ``selectors.referral_inbox`` (``site_name`` and ``partner_name`` annotated)."""
    site = (
        format_html('\n      <td data-label="{}">{}</td>', gettext("Espace"), referral.site_name)
        if show_site
        else ""
    )
    sender = referral.partner_name if referral.partner_id else referral.get_source_display()
    if referral.reply_due_on is not None and referral.status == ReferralStatus.SUBMITTED:
        # A public help request: the space answers within two working days.
        sender = format_html(
            '{}<br><span class="badge badge-warn">{}</span>',
            sender,
            gettext("Réponse attendue le %(day)s") % {"day": format_day(referral.reply_due_on)},
        )
    since = format_ago(referral.submitted_at)
    return format_html(
        "<tr>\n"
        '      <td data-label="{}"><a href="{}">{} {}</a><br><span class="muted">{}</span></td>{}\n'
        '      <td data-label="{}">{}</td>\n'
        '      <td data-label="{}">{}<br><span class="muted">{}</span></td>\n'
        '      <td data-label="{}">{}</td>\n'
        '      <td data-label="{}">{}</td>\n'
        "    </tr>",
        gettext("Personne"),
        id_url("referrals:detail", referral.pk),
        referral.first_name,
        referral.last_name,
        referral.reference,
        site,
        gettext("Envoyé par"),
        sender,
        gettext("Envoyé le"),
        format_day(referral.submitted_at),
        since,
        gettext("Statut"),
        status_badge(referral),
        gettext("Rendez-vous"),
        planned_appointment(referral),
    )
