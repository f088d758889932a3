"""``{% load referral_tags %}``: the status badge, the planned appointment, the inbox rows.

Tags rather than ``{% include %}`` or template code in a loop: a list page draws them on
each of its rows, and the template engine spent half of the inbox's time on its rows
(docs/decisions/0018-signed-in-page-cost.md).
"""

import datetime
import html
from dataclasses import dataclass, field

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from tisser.core import clock
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


@dataclass(frozen=True)
class _RowWords:
    """What is the same on every row of one inbox page: the column labels, the moment the
    ages are counted from, and each status's badge and each source's label once drawn."""

    person: str
    site: str
    sender: str
    sent: str
    status: str
    appointment: str
    now: datetime.datetime
    badges: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)

    @classmethod
    def translated(cls) -> "_RowWords":
        """The labels translated and escaped once for the page."""
        return cls(
            person=_escape(gettext("Personne")),
            site=_escape(gettext("Espace")),
            sender=_escape(gettext("Envoyé par")),
            sent=_escape(gettext("Envoyé le")),
            status=_escape(gettext("Statut")),
            appointment=_escape(gettext("Rendez-vous")),
            now=clock.now(),
        )

    def badge(self, referral):
        if referral.status not in self.badges:
            self.badges[referral.status] = status_badge(referral)
        return self.badges[referral.status]

    def source(self, referral):
        if referral.source not in self.sources:
            self.sources[referral.source] = referral.get_source_display()
        return self.sources[referral.source]


@register.simple_tag
def inbox_rows(referrals, show_site=False):
    """The rows of one page of the site inbox (referrals/inbox.html): per referral the
    person, the space for network admins, who sent it, when, the status and the appointment.
    ``referrals`` come from ``selectors.inbox_rows`` (``site_name`` and ``partner_name``
    annotated). One tag for the page rather than one per row: the labels are translated and
    the clock read once, each status's badge drawn once
    (docs/decisions/0018-signed-in-page-cost.md, fourth round)."""
    words = _RowWords.translated()
    return mark_safe(  # noqa: S308 (each row went through format_html)
        "".join(f"\n    {_inbox_row(referral, show_site, words)}\n  " for referral in referrals)
    )


def _inbox_row(referral, show_site, words: _RowWords):
    site = (
        format_html('\n      <td data-label="{}">{}</td>', words.site, referral.site_name)
        if show_site
        else ""
    )
    sender = referral.partner_name if referral.partner_id else words.source(referral)
    if referral.reply_due_on is not None and referral.status == ReferralStatus.SUBMITTED:
        # A public help request: the space answers within two working days.
        sender = format_html(
            '{}<br><span class="badge badge-warn">{}</span>',
            sender,
            gettext("Réponse attendue le %(day)s") % {"day": format_day(referral.reply_due_on)},
        )
    since = format_ago(referral.submitted_at, now=words.now)
    # ``format_html`` with the labels escaped once per page and each value by ``_escape``:
    # the same HTML, without Django's lazy-aware ``escape`` on fifteen values per row.
    return (
        "<tr>\n"
        f'      <td data-label="{words.person}"><a href="{_escape(id_url("referrals:detail", referral.pk))}">'
        f"{_escape(referral.first_name)} {_escape(referral.last_name)}</a><br>"
        f'<span class="muted">{_escape(referral.reference)}</span></td>{_escape(site)}\n'
        f'      <td data-label="{words.sender}">{_escape(sender)}</td>\n'
        f'      <td data-label="{words.sent}">{_escape(format_day(referral.submitted_at))}<br>'
        f'<span class="muted">{_escape(since)}</span></td>\n'
        f'      <td data-label="{words.status}">{_escape(words.badge(referral))}</td>\n'
        f'      <td data-label="{words.appointment}">{_escape(planned_appointment(referral))}</td>\n'
        "    </tr>"
    )


def _escape(value) -> str:
    """``conditional_escape`` for the strings of a row: a plain ``str`` goes straight to
    ``html.escape`` (what Django's ``escape`` calls), anything else to Django."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)
