"""The catalogue's pages: the list (site staff read it), create, edit, deactivate (admin)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tisser.accounts.enums import Role
from tisser.core.access import require_roles, scoped_object
from tisser.core.errors import DomainError
from tisser.core.views_helpers import FORM_HAS_ERRORS, paginate
from tisser.offers import catalogue
from tisser.offers.catalogue_forms import OfferForm
from tisser.offers.models import Offer

READERS = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)


@require_roles(*READERS)
def offer_list(request):
    membership = request.membership
    return render(
        request,
        "offers/catalogue/list.html",
        {
            "page": paginate(request, catalogue.offer_list(actor=membership)),
            "is_admin": membership.role == Role.NETWORK_ADMIN,
            "own_site_id": None
            if membership.role == Role.NETWORK_ADMIN
            else membership.organisation_id,
        },
    )


def _save(request, form, action):
    if request.method != "POST":
        return None
    if form.is_valid():
        try:
            return action()
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except DomainError as error:
            form.add_error(None, error.message)
    messages.error(request, FORM_HAS_ERRORS)
    return None


@require_roles(Role.NETWORK_ADMIN)
def offer_create(request):
    form = OfferForm(request.POST or None, membership=request.membership)
    offer = _save(
        request,
        form,
        lambda: catalogue.offer_create(
            actor=request.membership,
            data=form.data_for_service(),
            sites=form.cleaned_data["sites"],
        ),
    )
    if offer is not None:
        messages.success(request, _("L'offre « %(offer)s » est créée.") % {"offer": offer})
        return redirect("offers:catalogue")
    return render(
        request,
        "offers/catalogue/form.html",
        {"form": form, "offer": None},
        status=400 if form.errors else 200,
    )


@scoped_object(Offer)
@require_roles(Role.NETWORK_ADMIN)
def offer_edit(request, obj):
    initial = {name: getattr(obj, name) for name in catalogue.EDITABLE_FIELDS}
    initial["sites"] = list(obj.sites.all())
    form = OfferForm(request.POST or None, membership=request.membership, initial=initial)
    offer = _save(
        request,
        form,
        lambda: catalogue.offer_update(
            actor=request.membership,
            offer=obj,
            data=form.data_for_service(),
            sites=form.cleaned_data["sites"],
        ),
    )
    if offer is not None:
        messages.success(request, _("L'offre « %(offer)s » est enregistrée.") % {"offer": offer})
        return redirect("offers:catalogue")
    return render(
        request,
        "offers/catalogue/form.html",
        {"form": form, "offer": obj},
        status=400 if form.errors else 200,
    )


@require_POST
@scoped_object(Offer)
@require_roles(Role.NETWORK_ADMIN)
def offer_deactivate(request, obj):
    try:
        catalogue.offer_deactivate(actor=request.membership, offer=obj)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("L'offre « %(offer)s » n'est plus proposée.") % {"offer": obj})
    return redirect("offers:catalogue")
