from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts import forms, selectors, services
from tisser.accounts.enums import Role
from tisser.accounts.models import (
    Closure,
    Funder,
    Invitation,
    Membership,
    Partner,
    Site,
    User,
)
from tisser.core.access import public, require_roles, scoped_object, signed_in
from tisser.core.errors import DomainError
from tisser.core.ids import parse_id
from tisser.core.tokens import token_hash
from tisser.core.views_helpers import FORM_HAS_ERRORS, confirm_page, render_list, submit_forms

ADMIN = (Role.NETWORK_ADMIN,)
TEAM_MANAGERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)


def _scoped(model, *roles):
    """Out of scope is a 404 for everyone; in scope but with the wrong role is a 403."""

    def decorator(view):
        return scoped_object(model)(require_roles(*roles)(view))

    return decorator


# --- sites ------------------------------------------------------------------------------


@require_roles(*ADMIN)
def site_list(request):
    return render_list(
        request, "accounts/site_list.html", selectors.site_list(membership=request.membership)
    )


@require_roles(*ADMIN)
def site_create(request):
    form = forms.SiteForm(request.POST or None, initial={"is_active": True})
    hours_form = forms.OpeningHoursForm(request.POST or None, prefix="hours")

    def create():
        return services.site_create(
            actor=request.membership, data=form.changes(), opening_hours=hours_form.slots
        )

    submission = submit_forms(request, form, hours_form, action=create)
    if submission.succeeded:
        site = submission.result
        messages.success(request, _("L'espace « %(name)s » a été créé.") % {"name": site.name})
        return redirect("accounts:site_list")
    return render(
        request,
        "accounts/site_form.html",
        {"form": form, "hours_form": hours_form, "site": None},
    )


@_scoped(Site, *TEAM_MANAGERS)
def site_edit(request, obj):
    form_class = (
        forms.SiteForm if request.membership.role == Role.NETWORK_ADMIN else forms.SiteManagerForm
    )
    form = form_class(request.POST or None, instance=obj)
    hours_form = forms.OpeningHoursForm(request.POST or None, prefix="hours", site=obj)

    def update():
        return services.site_update(
            actor=request.membership,
            site=obj,
            data=form.changes(),
            opening_hours=hours_form.slots,
        )

    submission = submit_forms(request, form, hours_form, action=update)
    if submission.succeeded:
        if submission.result:  # the names of the changed fields
            messages.success(request, _("Les modifications sont enregistrées."))
        else:
            messages.info(request, _("Aucune modification à enregistrer."))
        if request.membership.role == Role.NETWORK_ADMIN:
            return redirect("accounts:site_list")
        return redirect("workspace:home")
    return render(
        request,
        "accounts/site_form.html",
        {"form": form, "hours_form": hours_form, "site": obj},
    )


# --- partners ---------------------------------------------------------------------------


@require_roles(*ADMIN)
def partner_list(request):
    return render_list(
        request,
        "accounts/partner_list.html",
        selectors.partner_list(membership=request.membership),
        filters=forms.PartnerFilterForm(request.GET or None),
    )


def _organisation_form_page(request, form, *, service, template, list_url, success_message):
    """The partner and funder create and edit pages: one form, one service call taking the
    form's changes, then back to the list with a message naming the organisation."""
    submission = submit_forms(request, form, action=lambda: service(form.changes()))
    if submission.succeeded:
        messages.success(request, success_message % {"name": form.cleaned_data["name"]})
        return redirect(list_url)
    return render(request, template, {"form": form})


@require_roles(*ADMIN)
def partner_create(request):
    return _organisation_form_page(
        request,
        forms.PartnerForm(request.POST or None),
        service=lambda data: services.partner_create(actor=request.membership, data=data),
        template="accounts/partner_form.html",
        list_url="accounts:partner_list",
        success_message=_("Le partenaire « %(name)s » a été créé."),
    )


@_scoped(Partner, *ADMIN)
def partner_edit(request, obj):
    return _organisation_form_page(
        request,
        forms.PartnerForm(request.POST or None, instance=obj),
        service=lambda data: services.partner_update(
            actor=request.membership, partner=obj, data=data
        ),
        template="accounts/partner_form.html",
        list_url="accounts:partner_list",
        success_message=_("Le partenaire « %(name)s » est à jour."),
    )


# --- funders ----------------------------------------------------------------------------


@require_roles(*ADMIN)
def funder_list(request):
    return render_list(
        request,
        "accounts/funder_list.html",
        selectors.funder_list(membership=request.membership),
        filters=forms.FunderFilterForm(request.GET or None),
    )


@require_roles(*ADMIN)
def funder_create(request):
    return _organisation_form_page(
        request,
        forms.FunderForm(request.POST or None),
        service=lambda data: services.funder_create(actor=request.membership, data=data),
        template="accounts/funder_form.html",
        list_url="accounts:funder_list",
        success_message=_("Le financeur « %(name)s » a été créé."),
    )


@_scoped(Funder, *ADMIN)
def funder_edit(request, obj):
    return _organisation_form_page(
        request,
        forms.FunderForm(request.POST or None, instance=obj),
        service=lambda data: services.funder_update(
            actor=request.membership, funder=obj, data=data
        ),
        template="accounts/funder_form.html",
        list_url="accounts:funder_list",
        success_message=_("Le financeur « %(name)s » est à jour."),
    )


# --- members ----------------------------------------------------------------------------


@require_roles(*TEAM_MANAGERS)
def member_list(request):
    return render_list(
        request,
        "accounts/member_list.html",
        selectors.member_list(membership=request.membership),
        filters=forms.MemberFilterForm(request.GET or None, membership=request.membership),
    )


@require_roles(*TEAM_MANAGERS)
def member_invite(request):
    form = forms.InvitationForm(request.POST or None, membership=request.membership)

    def invite():
        return services.member_invite(
            actor=request.membership,
            organisation=form.cleaned_data["organisation"],
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )

    if submit_forms(request, form, action=invite).succeeded:
        messages.success(
            request,
            _("L'invitation est envoyée à %(email)s.") % {"email": form.cleaned_data["email"]},
        )
        return redirect("accounts:invitation_list")
    return render(request, "accounts/member_invite.html", {"form": form})


def _member_list_url(membership):
    return (
        reverse("accounts:member_list")
        + "?"
        + urlencode({"organisation": membership.organisation_id})
    )


@_scoped(Membership, *TEAM_MANAGERS)
def member_role(request, obj):
    # Written out rather than through submit_forms: a refused change (same role, last
    # manager…) shows its reason alone, without the "form has errors" banner.
    form = forms.MemberRoleForm(request.POST or None, membership=obj, actor=request.membership)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.member_change_role(
                    actor=request.membership, membership=obj, role=form.cleaned_data["role"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Le rôle est modifié."))
                return HttpResponseRedirect(_member_list_url(obj))
        else:
            messages.error(request, FORM_HAS_ERRORS)
    return render(request, "accounts/member_role.html", {"form": form, "member": obj})


@_scoped(Membership, *TEAM_MANAGERS)
def member_deactivate(request, obj):
    return confirm_page(
        request,
        action=lambda: services.member_deactivate(actor=request.membership, membership=obj),
        template="accounts/member_deactivate.html",
        context={"member": obj},
        success_message=_("Le membre est désactivé : il n'a plus accès à cette organisation."),
        success_url=_member_list_url(obj),
    )


@_scoped(Membership, *TEAM_MANAGERS)
def member_reactivate(request, obj):
    return confirm_page(
        request,
        action=lambda: services.member_reactivate(actor=request.membership, membership=obj),
        template="accounts/member_reactivate.html",
        context={"member": obj},
        success_message=_("Le membre est réactivé."),
        success_url=_member_list_url(obj),
    )


# --- exceptional closures ----------------------------------------------------------------


@require_roles(Role.SITE_MANAGER)
def closure_list(request):
    """The site manager's closures (upcoming and current), and the form to add one."""
    site = (
        Site.objects.visible_to(request.membership)
        .filter(pk=request.membership.organisation_id)
        .first()
    )
    if site is None:
        raise Http404
    form = forms.ClosureForm(request.POST or None)
    submission = submit_forms(
        request,
        form,
        action=lambda: services.closure_create(
            actor=request.membership,
            site=site,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            reason=form.cleaned_data["reason"],
        ),
    )
    if submission.succeeded:
        messages.success(request, _("La fermeture est enregistrée : l'agenda la montre."))
        return redirect("accounts:closure_list")
    return render_list(
        request,
        "accounts/closure_list.html",
        selectors.closure_list(membership=request.membership),
        extra_context={"form": form, "site": site},
    )


@_scoped(Closure, Role.SITE_MANAGER)
def closure_delete(request, obj):
    return confirm_page(
        request,
        action=lambda: services.closure_delete(actor=request.membership, closure=obj),
        template="accounts/closure_delete.html",
        context={"closure": obj},
        success_message=_("La fermeture est supprimée : l'espace est ouvert ces jours-là."),
        success_url="accounts:closure_list",
    )


# --- invitations ------------------------------------------------------------------------------


@require_roles(*TEAM_MANAGERS)
def invitation_list(request):
    return render_list(
        request,
        "accounts/invitation_list.html",
        selectors.pending_invitation_list(membership=request.membership),
    )


@_scoped(Invitation, *TEAM_MANAGERS)
def invitation_revoke(request, obj):
    return confirm_page(
        request,
        action=lambda: services.invitation_revoke(actor=request.membership, invitation=obj),
        template="accounts/invitation_revoke.html",
        context={"invitation": obj},
        success_message=_("L'invitation est annulée : le lien ne marche plus."),
        success_url="accounts:invitation_list",
    )


def _usable_invitation(token: str) -> Invitation | None:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable() or not invitation.organisation.is_active:
        return None
    return invitation


def _invitation_gone(request):
    return render(request, "accounts/invitation_invalid.html", status=410)


def _joined(request, membership):
    request.session["current_membership_id"] = membership.pk
    messages.success(
        request,
        _("Bienvenue ! Vous êtes membre de %(organisation)s.")
        % {"organisation": membership.organisation.name},
    )
    return redirect("workspace:home")


@public
def invitation_accept(request, token):
    """The one-time link sent by e-mail: create the account, or join with an existing one."""
    request.personal_data = True
    invitation = _usable_invitation(token)
    if invitation is None:
        return _invitation_gone(request)
    context = {"invitation": invitation, "role": Role(invitation.role).label}
    signed_in = request.user.is_authenticated
    if signed_in and request.user.email.lower() != invitation.email.lower():
        return render(request, "accounts/invitation_wrong_account.html", context, status=403)
    existing = User.objects.filter(email__iexact=invitation.email).first()

    if existing is None:
        form = forms.AcceptInvitationForm(request.POST or None, email=invitation.email)
        if request.method == "POST":
            if form.is_valid():
                try:
                    membership = services.invitation_accept(
                        token=token,
                        first_name=form.cleaned_data["first_name"],
                        last_name=form.cleaned_data["last_name"],
                        password=form.cleaned_data["password1"],
                    )
                except services.InvitationNotUsable:
                    return _invitation_gone(request)
                except DomainError as error:
                    form.add_error(None, error.message)
                else:
                    login(
                        request,
                        membership.user,
                        backend="tisser.accounts.backends.ModelBackend",
                    )
                    return _joined(request, membership)
            messages.error(request, FORM_HAS_ERRORS)
        return render(request, "accounts/invitation_accept_new.html", {**context, "form": form})

    if not signed_in:
        login_url = reverse("account_login")
        next_url = request.get_full_path()
        if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            login_url += "?" + urlencode({"next": next_url})
        return render(
            request,
            "accounts/invitation_sign_in.html",
            {**context, "login_url": login_url},
        )

    error = None
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except services.InvitationNotUsable:
            return _invitation_gone(request)
        except DomainError as refused:
            error = refused.message
        else:
            return _joined(request, membership)
    return render(
        request,
        "accounts/invitation_accept_existing.html",
        {**context, "error": error},
        status=400 if error else 200,
    )


# --- organisation switcher and no-role page ------------------------------------------------


@signed_in
def no_membership(request):
    """A signed-in person without any active membership: nothing to show but this."""
    if request.membership is not None:
        return redirect("workspace:home")
    return render(request, "accounts/no_membership.html", status=403)


@require_POST
@require_roles(*Role.values)
def switch_membership(request):
    """Change the organisation the user acts for (the switcher in the header)."""
    wanted = parse_id(request.POST.get("membership"))
    membership = selectors.active_memberships_of(request.user).filter(pk=wanted).first()
    if membership is None:
        messages.error(request, _("Cette organisation n'est pas dans vos adhésions."))
    else:
        request.session["current_membership_id"] = membership.pk
        messages.success(
            request,
            _("Vous agissez maintenant pour : %(organisation)s.")
            % {"organisation": membership.organisation.name},
        )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return redirect(next_url or "workspace:home")
