"""``{% load appointment_cards %}``: the appointment card of the staff home and the agenda,
and the card of a referral waiting for an answer, drawn in Python.

As an ``{% include %}`` in a loop the card cost the staff home about a third of its time:
a dozen ``{% url %}``, ``{% translate %}`` and ``{% firstof %}`` per card through the
template engine (docs/decisions/0018-signed-in-page-cost.md, fourth round). Here the links
are resolved once per process (``core.links``) and the HTML is the same as the template's
(tests/workspace/test_appointment_cards.py compares them).
"""

from urllib.parse import quote

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext

from tisser.core.dates import format_hour, format_weekday
from tisser.core.links import fixed_url, id_url

register = template.Library()


def _t(message: str):
    """A constant message as ``{% translate %}`` writes it: translated, not escaped (the
    text is ours, as in a template)."""
    return mark_safe(gettext(message))  # noqa: S308


def _hidden_name(appointment) -> str:
    """What the visually hidden part of each button says: ``{% firstof %}`` of the names."""
    if appointment.walk_in_name:
        return appointment.walk_in_name
    if appointment.beneficiary_id and appointment.beneficiary.first_name:
        return appointment.beneficiary.first_name
    if appointment.referral_id and appointment.referral.first_name:
        return appointment.referral.first_name
    return ""


def _who(appointment):
    if appointment.beneficiary_id:
        person = appointment.beneficiary
        return format_html(
            '<a href="{}">{} {}</a> <span class="muted">{}</span>\n    ',
            id_url("beneficiaries:detail", appointment.beneficiary_id),
            person.first_name,
            person.last_name,
            person.file_number,
        )
    if appointment.referral_id:
        return format_html(
            "{} {}\n    ", appointment.referral.first_name, appointment.referral.last_name
        )
    return format_html(
        '{} <span class="muted">{}</span>', appointment.walk_in_name, _t("(sans dossier)")
    )


def _facts(appointment):
    """The three lines of facts; a missing one leaves its line break, as the template did."""
    mediator = appointment.mediator if appointment.mediator_id else None
    with_whom = (
        (mediator.get_full_name() or mediator.email)
        if mediator is not None
        else _t("personne n'est encore choisi")
    )
    referral = appointment.referral if appointment.referral_id else None
    reason = ""
    if appointment.reason:
        reason = format_html("<li>{} {}</li>", _t("Motif :"), appointment.reason)
    elif referral is not None and referral.reason:
        reason = format_html("<li>{} {}</li>", _t("Motif :"), Truncator(referral.reason).chars(90))
    origin = ""
    if referral is not None:
        sender = referral.partner.name if referral.partner_id else _t("une demande d'aide")
        origin = format_html(
            '<li>{} {} — <a href="{}">{}</a></li>',
            _t("Orienté(e) par"),
            sender,
            id_url("referrals:detail", appointment.referral_id),
            referral.reference,
        )
    return format_html("<li>{} {}</li>\n    {}\n    {}", _t("Avec :"), with_whom, reason, origin)


def _button(label: str, hidden: str, *, css: str = ""):
    return format_html(
        '<button type="submit"{}>{}<span class="visually-hidden"> : {}</span></button>',
        format_html(' class="{}"', css) if css else "",
        label,
        hidden,
    )


def _form(action: str, csrf, next_url: str, button):
    return format_html(
        '<form method="post" action="{}">{}<input type="hidden" name="next" value="{}">{}</form>',
        action,
        csrf,
        next_url,
        button,
    )


def _record_offer(appointment):
    """« Noter ce qui a été fait », for a visit whose activity is not recorded yet."""
    if appointment.status != "came" or getattr(appointment, "activity_recorded", None) is not False:
        return ""
    return format_html(
        '\n  <p class="appointment-actions"><a class="button" href="{}?rendez_vous={}">{}'
        '<span class="visually-hidden"> : {}</span></a></p>\n  ',
        fixed_url("activities:create"),
        appointment.pk,
        _t("Noter ce qui a été fait"),
        _hidden_name(appointment),
    )


def _outcomes(context, appointment, *, next_url: str, today, now):
    """The buttons of a planned appointment: came (early), did not come, postpone."""
    if appointment.status != "planned":
        return ""
    hidden = _hidden_name(appointment)
    csrf = CsrfTokenNode().render(context)
    if today and timezone.localdate(appointment.starts_at) > today:
        forms = format_html(
            "\n      {}\n    ",
            _form(
                id_url("appointments:came_early", appointment.pk),
                csrf,
                next_url,
                _button(_t("Venu(e) en avance"), hidden),
            ),
        )
    else:
        no_show = ""
        if now and appointment.starts_at <= now:
            no_show = _form(
                id_url("appointments:no_show", appointment.pk),
                csrf,
                next_url,
                _button(_t("Pas venu(e)"), hidden, css="button-secondary"),
            )
        forms = format_html(
            "\n      {}\n      {}\n    ",
            _form(
                id_url("appointments:came", appointment.pk),
                csrf,
                f"{fixed_url('activities:create')}?rendez_vous={appointment.pk}",
                _button(_t("Venu(e)"), hidden),
            ),
            no_show,
        )
    return format_html(
        '\n  <div class="appointment-actions">\n    {}\n    <a class="button button-secondary" '
        'href="{}?next={}">{}<span class="visually-hidden"> : {}</span></a>\n  </div>\n  ',
        forms,
        id_url("appointments:postpone", appointment.pk),
        quote(next_url, safe="/"),
        _t("Reporter"),
        hidden,
    )


@register.simple_tag(takes_context=True)
def appointment_card(context, appointment, next="", today=None, now=None, show_date=False):
    """One appointment as a card: who, when, with whom, why, from which referral, and the
    one-tap outcomes (« Venu(e) » leads to the activity form; a visit not yet recorded
    offers it). ``appointment`` comes from ``referrals.selectors.appointments_between`` or
    ``appointments_overdue`` (``activity_recorded`` set by ``workspace.agenda.mark_recorded``
    where the card may offer to record the visit)."""
    status = ""
    if appointment.status == "came":
        status = format_html('<span class="badge badge-ok">{}</span>', _t("Venu(e)"))
    elif appointment.status == "no_show":
        status = format_html('<span class="badge badge-err">{}</span>', _t("Pas venu(e)"))
    date = (
        format_html(' <span class="muted">{}</span>', format_weekday(appointment.starts_at))
        if show_date
        else ""
    )
    return format_html(
        '\n<li class="card appointment">\n'
        '  <p class="appointment-when"><strong>{}</strong>–{}{}\n    {}</p>\n'
        '  <p class="appointment-who">\n    {}\n  </p>\n'
        '  <ul class="appointment-facts">\n    {}\n  </ul>\n  {}\n  {}\n</li>\n',
        format_hour(appointment.starts_at),
        format_hour(appointment.ends_at),
        date,
        status,
        _who(appointment),
        _facts(appointment),
        _record_offer(appointment),
        _outcomes(context, appointment, next_url=next, today=today, now=now),
    )


@register.simple_tag
def awaiting_card(referral, late_before):
    """A referral waiting for the site's answer on the staff home: who, from whom, since
    when, late or not. ``referral`` comes from ``referrals_awaiting_answer`` (with
    ``partner_name``) and carries ``age_days`` (``workspace.agenda.team_home``)."""
    sender = referral.partner_name if referral.partner_id else _t("Demande d'aide")
    if referral.age_days:
        age = ngettext(
            "en attente depuis %(counter)s jour", "en attente depuis %(counter)s jours",
            referral.age_days,
        ) % {"counter": referral.age_days}  # fmt: skip
    else:
        age = _t("en attente depuis aujourd'hui")
    late = (
        format_html('<span class="badge badge-warn">{}</span>', _t("en retard"))
        if referral.submitted_at < late_before
        else ""
    )
    return format_html(
        '<li class="card"><a href="{}">{} {}</a> <span class="muted">{}</span><br>\n'
        "      {} —\n      {}\n      {}</li>",
        id_url("referrals:detail", referral.pk),
        referral.first_name,
        referral.last_name,
        referral.reference,
        sender,
        age,
        late,
    )
