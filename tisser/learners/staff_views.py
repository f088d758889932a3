"""The team's side of learner cards, from the person's file: issue, show, print, SMS,
revoke; and marking the space's shared computer (docs/decisions/0042-learner-sign-in.md)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tisser.accounts.enums import Role
from tisser.beneficiaries.models import Beneficiary
from tisser.core.access import require_roles, scoped_object
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.core.pdf import pdf_response
from tisser.learners import codes, links, selectors, services, session
from tisser.learners.services import CARD_ROLES
from tisser.notifications.models import Notification
from tisser.notifications.services import sms_address

SHARED_DEVICE_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR)


def _card_view(view):
    return require_roles(*CARD_ROLES)(scoped_object(Beneficiary)(view))


def _usable_card_or_redirect(request, beneficiary):
    card = selectors.current_card(membership=request.membership, beneficiary=beneficiary)
    if card is None or not card.is_usable():
        messages.warning(request, _("Cette personne n'a pas de carte valable : faites-en une."))
        return None, redirect("learners:card_manage", pk=beneficiary.pk)
    return card, None


def _card_facts(card) -> dict:
    return {
        "card": card,
        "code_groups": codes.groups(card.code),
        "card_url": links.card_url(card),
        "sign_in_url": links.sign_in_url(),
        "qr": links.qr_data_uri(links.card_url(card)),
    }


@_card_view
@require_http_methods(["GET", "POST"])
def card_manage(request, obj):
    """The person's card: its state, what can be done with it, and the older cards."""
    if request.method == "POST":
        try:
            services.card_issue(actor=request.membership, beneficiary=obj)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("learners:card_manage", pk=obj.pk)
        messages.success(
            request,
            _("Carte faite. Montrez-la à la personne ou imprimez-la ; l'ancienne ne marche plus."),
        )
        return redirect("learners:card_show", pk=obj.pk)
    history = selectors.card_history(membership=request.membership, beneficiary=obj)
    current = next((card for card in history if card.revoked_at is None), None)
    sms_sent = (
        current is not None
        and Notification.objects.filter(event_key=f"learners.card_sms:{current.pk}").exists()
    )
    return render(
        request,
        "learners/staff/card_manage.html",
        {
            "beneficiary": obj,
            "current": current,
            "usable": current is not None and current.is_usable(),
            "history": [card for card in history if card is not current],
            "has_mobile": bool(sms_address(obj.phone)),
            "sms_sent": sms_sent,
            "shared_device": session.shared_device_site_id(request) is not None,
            "can_mark_device": request.membership.role in SHARED_DEVICE_ROLES,
        },
    )


@_card_view
@require_http_methods(["GET"])
def card_show(request, obj):
    """The card on screen, for the person to scan with their phone at once (journaled)."""
    card, refused = _usable_card_or_redirect(request, obj)
    if refused:
        return refused
    services.card_record_handover(actor=request.membership, card=card, how="shown")
    return render(
        request, "learners/staff/card_show.html", {"beneficiary": obj, **_card_facts(card)}
    )


@_card_view
@require_http_methods(["GET"])
def card_pdf(request, obj):
    """The card to print: credit-card size, twice on a half A4 (one to keep, one spare fold)."""
    card, refused = _usable_card_or_redirect(request, obj)
    if refused:
        return refused
    services.card_record_handover(actor=request.membership, card=card, how="printed")
    site = card.site
    return pdf_response(
        "learners/pdf/card.html",
        {
            **_card_facts(card),
            "qr": links.qr_data_uri(links.card_url(card), scale=4),
            "first_name": obj.first_name,
            "site": site,
            "expires_on": format_day(card.expires_at),
        },
        request=request,
        filename=f"carte-apprenant-{obj.file_number}.pdf",
    )


@require_POST
@_card_view
def card_sms(request, obj):
    card, refused = _usable_card_or_redirect(request, obj)
    if refused:
        return refused
    try:
        services.card_send_sms(actor=request.membership, card=card)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La carte part par SMS dans un instant."))
    return redirect("learners:card_manage", pk=obj.pk)


@require_POST
@_card_view
def card_revoke(request, obj):
    card = selectors.current_card(membership=request.membership, beneficiary=obj)
    if card is None:
        messages.error(request, _("Cette personne n'a pas de carte à désactiver."))
        return redirect("learners:card_manage", pk=obj.pk)
    try:
        services.card_revoke(actor=request.membership, card=card)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Carte désactivée : le code et le QR code ne marchent plus, sur aucun appareil."),
        )
    return redirect("learners:card_manage", pk=obj.pk)


@require_roles(*SHARED_DEVICE_ROLES)
@require_http_methods(["GET", "POST"])
def shared_device(request):
    """Mark this browser as the space's shared computer for learners (or not any more).

    Learners who sign in on it are signed out at midnight or when the browser closes.
    """
    marked_site = session.shared_device_site_id(request)
    if request.method == "POST":
        response = redirect("learners:shared_device")
        if request.POST.get("action") == "mark":
            session.mark_shared_device(response, request.membership.organisation_id)
            messages.success(
                request, _("Cet appareil est maintenant l'appareil partagé de l'espace.")
            )
        else:
            session.unmark_shared_device(response)
            messages.success(request, _("Cet appareil n'est plus marqué comme partagé."))
        return response
    return render(
        request,
        "learners/staff/shared_device.html",
        {
            "marked": marked_site is not None,
            "marked_here": marked_site == request.membership.organisation_id,
        },
    )
