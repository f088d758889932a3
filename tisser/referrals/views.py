"""Pages of the referrals: the partner portal, the site inbox and the network's moderation.

Views stay thin: a role check, the scoped referral (another organisation's referral is a
404), a form, one service call from ``transitions`` or ``services``, then a redirect. A
refused action (``DomainError``) is shown in French and changes nothing.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import HabilitationStatus, Role
from tisser.accounts.geo import nearest_sites
from tisser.accounts.models import Partner
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION, EligibilityCriterion
from tisser.core import clock, site_offers
from tisser.core.access import require_roles, scoped_object
from tisser.core.dates import format_when
from tisser.core.errors import DomainError
from tisser.core.pdf import pdf_response
from tisser.core.phones import display_phone
from tisser.core.views_helpers import (
    FORM_HAS_ERRORS,
    confirm_page,
    counted_page,
    is_first_page,
    paginate,
    render_list,
    submit_forms,
)
from tisser.notifications import caps
from tisser.notifications.models import DeliveryStatus
from tisser.referrals import forms, printouts, selectors, services, transitions
from tisser.referrals.enums import (
    AppointmentStatus,
    Need,
    OfferFamily,
    ReferralStatus,
    RejectionReason,
)
from tisser.referrals.models import Referral

PARTNER = (Role.PARTNER_REFERRER,)
SITE_TEAM = (Role.SITE_MANAGER, Role.MEDIATOR)
INBOX_ROLES = (*SITE_TEAM, Role.NETWORK_ADMIN)
ADMIN = (Role.NETWORK_ADMIN,)
# Who may open a referral at all (then each page checks its side); volunteers and funders
# never see one.
REFERRAL_ROLES = (*PARTNER, *INBOX_ROLES)

S = ReferralStatus


def referral_view(*roles):
    """Scoped fetch of ``pk`` (out of scope is a 404), then the page's own roles (403).

    A referral the membership may not read yet (a partner's draft, or one still in
    moderation, seen from its site) is a 404 as well.
    """

    def decorator(view):
        @wraps(view)
        def readable_only(request, *args, obj, **kwargs):
            readable = selectors.referrals_readable(request.membership)
            if not readable.filter(pk=obj.pk).exists():
                raise Http404
            return view(request, *args, obj=obj, **kwargs)

        return scoped_object(Referral, roles=REFERRAL_ROLES)(
            readable_only if not roles else require_roles(*roles)(readable_only)
        )

    return decorator


def _require(allowed: bool):
    if not allowed:
        raise PermissionDenied


def _refused(request, referral, error: DomainError):
    messages.error(request, error.message)
    return redirect("referrals:detail", pk=referral.pk)


def _not_now(request, referral):
    """The referral has moved on (someone else answered it): say so and show it."""
    messages.warning(
        request,
        _("Ce bon d'orientation est « %(status)s » : cette action n'est plus possible.")
        % {"status": referral.get_status_display()},
    )
    return redirect("referrals:detail", pk=referral.pk)


@require_roles(*REFERRAL_ROLES)
def index(request):
    """The entry of the navigation: each role lands on its own list."""
    role = request.membership.role
    if role == Role.PARTNER_REFERRER:
        return redirect("referrals:partner_list")
    return redirect("referrals:inbox")


# --- partner portal ----------------------------------------------------------------------


@require_roles(*PARTNER)
def partner_list(request):
    return render_list(
        request,
        "referrals/partner_list.html",
        selectors.referral_partner_list(membership=request.membership),
        filters=forms.PartnerReferralFilterForm(request.GET or None),
    )


def _initial_from_post(form_class, data, **kwargs):
    """An unbound form showing what was typed (used when only a suggestion was asked for)."""
    form = form_class(**kwargs)
    initial = {}
    for name, field in form.fields.items():
        if hasattr(field, "choices") and getattr(field.widget, "allow_multiple_selected", False):
            initial[name] = data.getlist(name)
        elif name in data:
            initial[name] = data.get(name)
    return form_class(initial=initial, **kwargs)


def _suggestions(partner, postal_code: str):
    return nearest_sites(postal_code, network=partner.network_id, limit=3) if postal_code else []


def _referral_form_page(request, *, referral=None):
    """Create or edit a draft; « Envoyer » submits it in the same transaction."""
    membership = request.membership
    partner = membership.organisation.specific
    action = request.POST.get("action", "draft") if request.method == "POST" else None
    suggestions = []
    if action == "suggest":
        # Without JavaScript: the « Proposer » button sends the form back only to choose a space.
        form = _initial_from_post(
            forms.ReferralForm, request.POST, partner=partner, instance=referral
        )
        suggestions = _suggestions(partner, forms.PostalCodeForm(request.POST).code())
        if suggestions:
            form.initial["site"] = suggestions[0].pk
    elif action in ("draft", "submit"):
        submitting = action == "submit"
        form = forms.ReferralForm(
            request.POST, partner=partner, instance=referral, submitting=submitting
        )
        submission = submit_forms(
            request,
            form,
            action=lambda: _save_referral(membership, referral, form, submit=submitting),
        )
        if submission.succeeded:
            saved = submission.result
            messages.success(request, _submitted_message(saved))
            return redirect("referrals:detail", pk=saved.pk)
    else:
        form = forms.ReferralForm(partner=partner, instance=referral)
        if referral is not None and not referral.site_id:
            suggestions = _suggestions(partner, referral.postal_code)
    if not suggestions and form.is_bound is False and form.initial.get("postal_code"):
        suggestions = _suggestions(partner, form.initial["postal_code"])
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "referral": referral,
            "site_offers": site_offers.for_site(form.chosen_site()),
            "suggestions": suggestions,
            "partner": partner,
            "notice_version": CURRENT_NOTICE_VERSION,
        },
    )


def _save_referral(membership, referral, form, *, submit: bool):
    """Create or update the draft and, for « Envoyer », submit it: all or nothing."""
    with transaction.atomic():
        if referral is None:
            saved = services.referral_create_draft(
                actor=membership, site=form.cleaned_data["site"], data=form.changes()
            )
        else:
            services.referral_update_draft(
                actor=membership,
                referral=referral,
                site=form.cleaned_data["site"],
                data=form.changes(),
            )
            saved = referral
        if submit:
            saved = transitions.referral_submit(actor=membership, referral=saved)
    return saved


def _submitted_message(referral) -> str:
    if referral.status == S.SUBMITTED:
        return _("Le bon d'orientation est envoyé à l'espace « %(site)s ».") % {
            "site": referral.site.name
        }
    if referral.status == S.MODERATION_PENDING:
        return _(
            "Le bon d'orientation est enregistré. Il arrivera à l'espace dès que le réseau "
            "aura validé l'habilitation de votre organisation."
        )
    return _("Le brouillon est enregistré. Vous pourrez l'envoyer plus tard.")


@require_roles(*PARTNER)
def create(request):
    return _referral_form_page(request)


@referral_view(*PARTNER)
def edit(request, obj):
    _require(transitions.is_referrer_for(request.membership, obj))
    if obj.status != S.DRAFT:
        return _not_now(request, obj)
    return _referral_form_page(request, referral=obj)


@require_roles(*PARTNER)
def suggest_site(request):
    """HTMX fragment: the target-space field, the nearest open spaces suggested first."""
    partner = request.membership.organisation.specific
    code = forms.PostalCodeForm(request.GET).code()
    typed = request.GET.get("postal_code", "").strip()[:10]
    suggestions = _suggestions(partner, code)
    initial = {"site": suggestions[0].pk} if suggestions else {}
    form = forms.ReferralForm(partner=partner, initial=initial)
    return render(
        request,
        "referrals/includes/site_field.html",
        {
            "form": form,
            "suggestions": suggestions,
            "postal_code": typed,
            "site_offers": site_offers.for_site(form.chosen_site()),
        },
    )


@require_roles(*PARTNER)
def site_offers_fragment(request):
    """HTMX fragment: the solidarity offers of the space chosen in the referral form."""
    partner = request.membership.organisation.specific
    form = forms.ReferralForm(partner=partner, initial={"site": request.GET.get("site")})
    return render(
        request,
        "referrals/includes/site_offers.html",
        {"site_offers": site_offers.for_site(form.chosen_site())},
    )


@referral_view(*REFERRAL_ROLES)
def detail(request, obj):
    membership = request.membership
    referral = selectors.referral_detail(membership=membership, pk=obj.pk)
    services.referral_record_view(actor=membership, referral=referral)
    appointments = list(referral.appointments.all())
    planned = [a for a in appointments if a.status == AppointmentStatus.PLANNED]
    context = {
        "referral": referral,
        "appointments": appointments,
        "planned": planned[0] if planned else None,
        # A visit is recorded on the appointment's day; earlier, the person came early.
        "planned_is_later": bool(planned)
        and timezone.localdate(planned[0].starts_at) > clock.localdate(),
        "unconfirmed_messages": [
            n for n in referral.sent_messages if n.status == DeliveryStatus.SENDING
        ],
        "can": _possible_actions(membership, referral),
        "phone": display_phone(referral.phone),
        "criteria": _labels(referral.eligibility_criteria, EligibilityCriterion),
        "needs": _labels(referral.needs, Need),
        "offers": _labels(referral.requested_offers, OfferFamily),
        "rejection_reasons": _labels(referral.rejection_reasons, RejectionReason),
        "beneficiary_url": _beneficiary_url(membership, referral),
    }
    return render(request, "referrals/detail.html", context)


@referral_view(*PARTNER, *SITE_TEAM)
def summary_pdf(request, obj):
    """The one-page summary to give to the person: where, when, with what, whom to call.
    The referrer who sent it and the receiving site's team only; journaled."""
    membership = request.membership
    referral = selectors.referral_summary(membership=membership, pk=obj.pk)
    _require(_may_print_summary(membership, referral))
    if referral.status not in printouts.PRINTABLE_STATUSES:
        messages.warning(
            request,
            _("Ce bon d'orientation est « %(status)s » : il n'y a pas de récapitulatif à imprimer.")
            % {"status": referral.get_status_display()},
        )
        return redirect("referrals:detail", pk=referral.pk)
    services.referral_record_summary_print(actor=membership, referral=referral)
    return pdf_response(
        "referrals/pdf/summary.html",
        {"summary": printouts.build_summary(referral)},
        request=request,
        filename=f"bon-{referral.reference}.pdf",
    )


def _may_print_summary(membership, referral) -> bool:
    """The referrer who sent it, or the receiving site's manager and mediators (not the
    network admins: they never hand a paper to the person)."""
    return transitions.is_referrer_for(membership, referral) or (
        membership.role in SITE_TEAM and transitions.is_site_staff_for(membership, referral)
    )


def _labels(codes, choices) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels.get(code, code)) for code in codes or ()]


def _beneficiary_url(membership, referral) -> str:
    """The file's page, for the site team and the network (a partner does not open files)."""
    if referral.beneficiary is None or membership.role not in INBOX_ROLES:
        return ""
    return referral.beneficiary.get_absolute_url()


def _possible_actions(membership, referral) -> dict[str, bool]:
    """Which buttons the detail page shows: the role's side, and what the table allows now."""
    status = referral.status
    allowed = transitions.allowed_actions(status)
    referrer = transitions.is_referrer_for(membership, referral)
    site = transitions.is_site_staff_for(membership, referral)
    admin = transitions.is_network_admin_for(membership, referral)
    return {
        "edit": referrer and status == S.DRAFT,
        "cancel": referrer and transitions.CANCEL in allowed,
        "accept": site and transitions.ACCEPT in allowed,
        "reject": site and transitions.REJECT in allowed,
        "rebook": site and transitions.REBOOK in allowed,
        "mark": site and transitions.MARK_CAME in allowed,
        "transfer": transitions.may_transfer(membership, referral)
        and transitions.TRANSFER in allowed,
        "moderate": admin and transitions.MODERATION_APPROVE in allowed,
        "print_summary": _may_print_summary(membership, referral)
        and status in printouts.PRINTABLE_STATUSES,
        "validate_partner": admin
        and status == S.MODERATION_PENDING
        and referral.partner_id is not None
        and referral.partner.habilitation_status != HabilitationStatus.VALIDATED,
    }


@referral_view(*REFERRAL_ROLES)
def cancel(request, obj):
    _require(transitions.is_referrer_for(request.membership, obj))
    if obj.status not in transitions.CANCELLABLE_STATUSES:
        return _not_now(request, obj)
    form = forms.ShortNoteForm(request.POST or None, label=_("Raison de l'annulation (facultatif)"))
    if request.method == "POST" and form.is_valid():
        try:
            transitions.referral_cancel(
                actor=request.membership, referral=obj, reason=form.cleaned_data["note"]
            )
        except DomainError as error:
            return _refused(request, obj, error)
        messages.success(request, _("Le bon d'orientation est annulé."))
        return redirect("referrals:detail", pk=obj.pk)
    return _confirm_page(
        request,
        obj,
        form=form,
        title=_("Annuler le bon d'orientation"),
        explanation=_(
            "L'espace ne recevra plus cette personne au titre de ce bon. "
            "Si un rendez-vous était prévu, il est annulé et l'espace est prévenu."
        ),
        button=_("Annuler le bon d'orientation"),
        danger=True,
    )


def _confirm_page(request, referral, *, title, explanation, button, form=None, danger=False):
    if request.method == "POST":
        messages.error(request, FORM_HAS_ERRORS)
    return render(
        request,
        "referrals/confirm.html",
        {
            "referral": referral,
            "form": form,
            "title": title,
            "explanation": explanation,
            "button": button,
            "danger": danger,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- site inbox ----------------------------------------------------------------------------


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips (decision 0018 §26)
@require_roles(*INBOX_ROLES)
def inbox(request):
    membership = request.membership
    filters = forms.InboxFilterForm(request.GET or None, membership=membership)
    status = filters.status_only()
    if (
        status
        and selectors.inbox_first_page_fits(membership)
        and is_first_page(request.GET.get("page"))
    ):
        # The usual view: three fixed queries (decision 0018, fifth round).
        count, rows = selectors.inbox_first_page(membership=membership, status=status)
        page = counted_page(rows, count)
    else:
        # Counted without the joins of the rows' name columns (CountingPaginator).
        referrals = filters.filter(selectors.referral_inbox_scope(membership=membership))
        page = paginate(request, selectors.inbox_rows(referrals), count_from=referrals)
    return render(
        request,
        "referrals/inbox.html",
        {
            "filters": filters,
            "page": page,
            "show_site": membership.role == Role.NETWORK_ADMIN,
            **_sms_caps_context(membership),
        },
    )


def _appointment_page(request, referral, *, action):
    """Accept with an appointment, or rebook: the same form, two services."""
    _require(transitions.is_site_staff_for(request.membership, referral))
    if action not in transitions.allowed_actions(referral.status):
        return _not_now(request, referral)
    form = forms.AppointmentForm(request.POST or None, site=referral.site)
    service = (
        transitions.referral_accept if action == transitions.ACCEPT else transitions.referral_rebook
    )
    submission = submit_forms(
        request,
        form,
        action=lambda: service(
            actor=request.membership,
            referral=referral,
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
            mediator=form.cleaned_data["mediator"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _appointment_message(action, submission.result))
        return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/appointment_form.html",
        {"form": form, "referral": referral, "rebook": action == transitions.REBOOK},
        status=400 if request.method == "POST" else 200,
    )


def _appointment_message(action, appointment) -> str:
    when = format_when(appointment.starts_at)
    if action == transitions.ACCEPT:
        return _(
            "Le bon d'orientation est accepté. Rendez-vous le %(when)s : la personne et le "
            "prescripteur sont prévenus."
        ) % {"when": when}
    return _("Le rendez-vous est déplacé au %(when)s : la personne est prévenue.") % {"when": when}


@referral_view(*INBOX_ROLES)
def accept(request, obj):
    return _appointment_page(request, obj, action=transitions.ACCEPT)


@referral_view(*INBOX_ROLES)
def rebook(request, obj):
    return _appointment_page(request, obj, action=transitions.REBOOK)


@referral_view(*INBOX_ROLES)
def reject(request, obj):
    _require(transitions.is_site_staff_for(request.membership, obj))
    if transitions.REJECT not in transitions.allowed_actions(obj.status):
        return _not_now(request, obj)
    form = forms.RejectForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: transitions.referral_reject(
            actor=request.membership,
            referral=obj,
            reasons=form.cleaned_data["reasons"],
            message=form.cleaned_data["message"],
        ),
    )
    if submission.succeeded:
        messages.success(
            request, _("Le bon d'orientation est refusé : le prescripteur est prévenu.")
        )
        return redirect("referrals:inbox")
    return render(
        request,
        "referrals/reject.html",
        {"form": form, "referral": obj},
        status=400 if request.method == "POST" else 200,
    )


@referral_view(Role.SITE_MANAGER, Role.NETWORK_ADMIN)
def transfer(request, obj):
    """Send a referral that reached the wrong space on to another space of the network."""
    _require(transitions.may_transfer(request.membership, obj))
    if transitions.TRANSFER not in transitions.allowed_actions(obj.status):
        return _not_now(request, obj)
    form = forms.TransferForm(request.POST or None, referral=obj)
    submission = submit_forms(
        request,
        form,
        action=lambda: transitions.referral_transfer(
            actor=request.membership,
            referral=obj,
            to_site=form.cleaned_data["site"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if submission.succeeded:
        messages.success(
            request,
            _(
                "Le bon d'orientation est transféré à l'espace « %(site)s » : le prescripteur est prévenu."
            )
            % {"site": submission.result.site.name},
        )
        if request.membership.role == Role.NETWORK_ADMIN:
            return redirect("referrals:detail", pk=obj.pk)
        return redirect("referrals:inbox")
    return render(
        request,
        "referrals/transfer.html",
        {"form": form, "referral": obj},
        status=400 if request.method == "POST" else 200,
    )


def _file_candidates(membership, referral):
    """Files of this person that the site may already have (to link instead of creating).

    Scoped to the member's files before ranking: another site's matches cannot hide them.
    """
    from tisser.beneficiaries.duplicates import duplicates_for_referral

    return duplicates_for_referral(referral, membership=membership)


@referral_view(*INBOX_ROLES)
def mark_came(request, obj):
    _require(transitions.is_site_staff_for(request.membership, obj))
    if transitions.MARK_CAME not in transitions.allowed_actions(obj.status):
        return _not_now(request, obj)
    candidates = _file_candidates(request.membership, obj)
    form = forms.CameForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            referral = transitions.referral_mark_came(
                actor=request.membership, referral=obj, existing=form.cleaned_data["existing"]
            )
        except DomainError as error:
            return _refused(request, obj, error)
        messages.success(
            request,
            _("La venue est enregistrée. Dossier %(number)s.")
            % {"number": referral.beneficiary.file_number},
        )
        return redirect("referrals:detail", pk=obj.pk)
    if request.method == "POST":
        messages.error(request, FORM_HAS_ERRORS)
    return render(
        request,
        "referrals/came.html",
        {"form": form, "referral": obj, "candidates": candidates},
        status=400 if request.method == "POST" else 200,
    )


@referral_view(*INBOX_ROLES)
def mark_no_show(request, obj):
    _require(transitions.is_site_staff_for(request.membership, obj))
    if transitions.MARK_NO_SHOW not in transitions.allowed_actions(obj.status):
        return _not_now(request, obj)
    if request.method == "POST":
        try:
            transitions.referral_mark_no_show(actor=request.membership, referral=obj)
        except DomainError as error:
            return _refused(request, obj, error)
        messages.success(
            request,
            _(
                "L'absence est enregistrée. Vous pouvez proposer un autre rendez-vous ; sans "
                "nouvelle venue, le bon expirera dans 30 jours."
            ),
        )
        return redirect("referrals:detail", pk=obj.pk)
    return _confirm_page(
        request,
        obj,
        title=_("La personne n'est pas venue"),
        explanation=_(
            "Le rendez-vous prévu sera noté « pas venu ». Le bon reste accepté : vous pourrez "
            "proposer un autre rendez-vous."
        ),
        button=_("Confirmer l'absence"),
    )


@require_roles(Role.NETWORK_ADMIN, Role.SITE_MANAGER)
def help_requests_late(request):
    """Public help requests past their two working days: the network's, or the own site's."""
    return render_list(
        request,
        "referrals/help_requests_late.html",
        selectors.help_requests_overdue(membership=request.membership),
        extra_context={"show_site": request.membership.role == Role.NETWORK_ADMIN},
    )


# --- moderation ----------------------------------------------------------------------------


@require_roles(*ADMIN)
def moderation_list(request):
    return render_list(
        request,
        "referrals/moderation_list.html",
        selectors.referral_moderation_queue(membership=request.membership),
        filters=forms.ModerationFilterForm(request.GET or None),
        extra_context=_sms_caps_context(request.membership),
    )


def _sms_caps_context(membership) -> dict:
    """Sites whose automatic SMS stopped today (tisser/notifications/caps.py)."""
    return {
        "sms_caps_reached": caps.caps_reached_today(membership=membership),
        "sms_daily_cap": caps.daily_cap(),
    }


@referral_view(*ADMIN)
def moderation_approve(request, obj):
    _require(transitions.is_network_admin_for(request.membership, obj))
    if transitions.MODERATION_APPROVE not in transitions.allowed_actions(obj.status):
        return _not_now(request, obj)
    if request.method == "POST":
        try:
            transitions.referral_moderation_approve(actor=request.membership, referral=obj)
        except DomainError as error:
            return _refused(request, obj, error)
        messages.success(
            request,
            _("Le bon d'orientation est transmis à l'espace « %(site)s ».")
            % {"site": obj.site.name},
        )
        return redirect("referrals:moderation_list")
    return _confirm_page(
        request,
        obj,
        title=_("Transmettre à l'espace"),
        explanation=_(
            "Le bon d'orientation arrivera dans la boîte de l'espace, qui proposera un "
            "rendez-vous ou le refusera."
        ),
        button=_("Transmettre à l'espace"),
    )


@referral_view(*ADMIN)
def moderation_reject(request, obj):
    _require(transitions.is_network_admin_for(request.membership, obj))
    if transitions.MODERATION_REJECT not in transitions.allowed_actions(obj.status):
        return _not_now(request, obj)
    form = forms.ShortNoteForm(
        request.POST or None,
        label=_("Raison du refus (envoyée au prescripteur)"),
        required=obj.referrer_id is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            transitions.referral_moderation_reject(
                actor=request.membership, referral=obj, reason=form.cleaned_data["note"]
            )
        except DomainError as error:
            return _refused(request, obj, error)
        messages.success(request, _("Le bon d'orientation est refusé à la modération."))
        return redirect("referrals:moderation_list")
    return _confirm_page(
        request,
        obj,
        form=form,
        title=_("Refuser à la modération"),
        explanation=_("Le bon d'orientation n'arrivera pas à l'espace."),
        button=_("Refuser"),
        danger=True,
    )


@scoped_object(Partner)
@require_roles(*ADMIN)
def partner_validate(request, obj):
    """Validate a partner's habilitation: its referrals waiting in moderation are released."""
    waiting = (
        selectors.referral_moderation_queue(membership=request.membership)
        .filter(partner=obj)
        .count()
    )
    return confirm_page(
        request,
        action=lambda: services.partner_validate(actor=request.membership, partner=obj),
        template="referrals/partner_validate.html",
        context={"partner": obj, "waiting": waiting},
        success_message=_("L'habilitation de « %(name)s » est validée.") % {"name": obj.name},
        success_url="referrals:moderation_list",
    )
