"""Writes of the funding app: donors, conventions, dotations and donation lots.

Every function takes the acting membership, checks its role and its network, validates,
writes in one transaction and journals there. Tax receipts are in ``tax_receipts.py``.
The rules are written down in docs/decisions/0036-funding.md.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Funder, Membership, Site
from tisser.core import clock, hooks, stale_figures
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.funding.enums import EQUIPMENT_FAMILIES, DonorKind, LotUnit, OfferFamily
from tisser.funding.hooks import DONATION_LOT_REVALUED
from tisser.funding.models import Convention, DonationLot, Donor, Dotation

DONOR_FIELDS = ("name", "siren", "address", "postal_code", "city", "email")
CONVENTION_FIELDS = ("reference", "title", "starts_on", "ends_on", "notes")
DOTATION_FIELDS = (
    "year",
    "families",
    "budget_units",
    "budget_amount",
    "reporting_starts_on",
    "reporting_ends_on",
)
LOT_FIELDS = (
    "received_on",
    "family",
    "quantity",
    "unit",
    "valuation_method",
    "valuation_amount",
    "refurbisher",
    "erasure_certificate",
    "reference",
    "notes",
)
# A convention runs at most this long; a lot is recorded at most this long after receipt.
MAX_CONVENTION_YEARS = 10
LOT_RECORDING_HORIZON_DAYS = 3 * 366
LOT_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER)


# --- helpers ---------------------------------------------------------------------------


def _require_role(actor: Membership | None, *roles: str) -> Membership:
    if actor is None or not actor.is_active or actor.role not in roles:
        raise DomainError(_("Votre rôle ne permet pas cette action."))
    return actor


def _full_clean(obj: Model, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise DomainError(" ".join(str(message) for message in error.messages)) from error


def _check_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    refused = sorted(set(data).difference(allowed))
    if refused:
        raise DomainError(
            _("Vous ne pouvez pas modifier ces informations : %(fields)s.")
            % {"fields": ", ".join(refused)}
        )


def actor_network_id(actor: Membership) -> int:
    """The network the member acts in: their organisation, or their site's network."""
    if actor.role in (Role.NETWORK_ADMIN, Role.ACCOUNTANT):
        return actor.organisation_id
    network_id = Site.objects.filter(pk=actor.organisation_id).values_list("network_id", flat=True)
    found = network_id.first()
    if found is None:
        raise DomainError(_("Votre rôle ne permet pas cette action."))
    return found


def _save_changed(obj: Model, data: Mapping[str, Any]) -> list[str]:
    changed = sorted(name for name, value in data.items() if getattr(obj, name) != value)
    for name in changed:
        setattr(obj, name, data[name])
    if changed:
        _full_clean(obj)
        obj.save(update_fields=[*changed, "updated_at"])
    return changed


def _locked(model, actor: Membership, pk: int, message: str):
    """The row again, locked and through the actor's scope."""
    row = model.objects.visible_to(actor).select_for_update().filter(pk=pk).first()
    if row is None:
        raise DomainError(message)
    return row


# --- donors ----------------------------------------------------------------------------


def donor_create(
    *, actor: Membership, kind: str, data: Mapping[str, Any], funder: Funder | None = None
) -> Donor:
    """A network admin adds a donor: an in-kind donor funder of the network, or a person."""
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, DONOR_FIELDS)
    network_id = actor.organisation_id
    with transaction.atomic():
        if kind == DonorKind.ORGANISATION:
            if funder is None:
                raise DomainError(_("Choisissez le financeur qui fait ce don en nature."))
            funder = Funder.objects.select_for_update().filter(pk=funder.pk).first()
            if funder is None or funder.network_id != network_id:
                raise DomainError(_("Ce financeur n'est pas dans votre réseau."))
            if not funder.is_donor:
                raise DomainError(
                    _(
                        "« %(name)s » n'est pas marqué comme faisant des dons en nature : "
                        "modifiez d'abord le financeur."
                    )
                    % {"name": funder.name}
                )
            if Donor.objects.filter(funder=funder).exists():
                raise DomainError(_("« %(name)s » est déjà un donateur.") % {"name": funder.name})
        elif kind == DonorKind.INDIVIDUAL:
            funder = None
        else:
            raise DomainError(_("Choisissez le type de donateur."))
        values = dict(data)
        if funder is not None and not values.get("name"):
            values["name"] = funder.name
        donor = Donor(network_id=network_id, kind=kind, funder=funder, **values)
        _full_clean(donor)
        donor.save()
        record(
            actor=actor.user,
            action="donor.created",
            obj=donor,
            payload={"kind": kind, "funder_id": funder.pk if funder else None},
        )
    return donor


def donor_update(*, actor: Membership, donor: Donor, data: Mapping[str, Any]) -> list[str]:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, DONOR_FIELDS)
    with transaction.atomic():
        locked = _locked(Donor, actor, donor.pk, _("Ce donateur n'est pas dans votre réseau."))
        changed = _save_changed(locked, data)
        if changed:
            record(
                actor=actor.user, action="donor.updated", obj=locked, payload={"fields": changed}
            )
    return changed


def donor_set_active(*, actor: Membership, donor: Donor, active: bool) -> bool:
    """Deactivate (no new lot for them; their lots and receipts stay) or reactivate."""
    _require_role(actor, Role.NETWORK_ADMIN)
    with transaction.atomic():
        locked = _locked(Donor, actor, donor.pk, _("Ce donateur n'est pas dans votre réseau."))
        if locked.is_active == active:
            return False
        locked.is_active = active
        locked.save(update_fields=["is_active", "updated_at"])
        if active:
            record(actor=actor.user, action="donor.reactivated", obj=locked)
        else:
            record(actor=actor.user, action="donor.deactivated", obj=locked)
    return True


# --- conventions -----------------------------------------------------------------------


def _check_convention(
    convention: Convention, sites: list[Site], network_id: int, *, exclude_pk=None
) -> None:
    if convention.ends_on < convention.starts_on:
        raise DomainError(_("La fin de la convention doit être après son début."))
    if convention.ends_on.year - convention.starts_on.year >= MAX_CONVENTION_YEARS:
        raise DomainError(
            _("Une convention dure au plus %(years)s ans.") % {"years": MAX_CONVENTION_YEARS}
        )
    if not sites:
        raise DomainError(_("Choisissez au moins un espace couvert par la convention."))
    if any(site.network_id != network_id for site in sites):
        raise DomainError(_("Un des espaces choisis n'est pas dans votre réseau."))
    duplicate = Convention.objects.filter(
        funder_id=convention.funder_id, reference=convention.reference
    ).exclude(pk=exclude_pk)
    if duplicate.exists():
        raise DomainError(
            _("Ce financeur a déjà une convention de référence « %(reference)s ».")
            % {"reference": convention.reference}
        )


def convention_create(
    *, actor: Membership, funder: Funder, data: Mapping[str, Any], sites: Iterable[Site]
) -> Convention:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, CONVENTION_FIELDS)
    sites = list(sites)
    with transaction.atomic():
        if funder.network_id != actor.organisation_id:
            raise DomainError(_("Ce financeur n'est pas dans votre réseau."))
        convention = Convention(funder=funder, **data)
        _check_convention(convention, sites, actor.organisation_id)
        _full_clean(convention, validate_unique=False)
        convention.save()
        convention.sites.set(sites)
        record(
            actor=actor.user,
            action="convention.created",
            obj=convention,
            payload={"funder_id": funder.pk, "site_ids": sorted(site.pk for site in sites)},
        )
    return convention


def convention_update(
    *, actor: Membership, convention: Convention, data: Mapping[str, Any], sites: Iterable[Site]
) -> list[str]:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, CONVENTION_FIELDS)
    sites = list(sites)
    with transaction.atomic():
        locked = _locked(
            Convention, actor, convention.pk, _("Cette convention n'est pas dans votre réseau.")
        )
        candidate = Convention(
            pk=locked.pk,
            funder_id=locked.funder_id,
            **{**{name: getattr(locked, name) for name in CONVENTION_FIELDS}, **data},
        )
        _check_convention(candidate, sites, actor.organisation_id, exclude_pk=locked.pk)
        outside = locked.dotations.exclude(
            year__gte=candidate.starts_on.year, year__lte=candidate.ends_on.year
        )
        if outside.exists():
            raise DomainError(
                _("Une dotation de cette convention tombe hors de la nouvelle période.")
            )
        before = set(locked.sites.values_list("pk", flat=True))
        after = {site.pk for site in sites}
        removed = before - after
        if removed and locked.dotations.filter(lots__site_id__in=removed).exists():
            raise DomainError(
                _(
                    "Des lots reçus dans un espace que vous retirez sont rattachés à cette "
                    "convention : gardez cet espace."
                )
            )
        changed = _save_changed(locked, data)
        if before != after:
            locked.sites.set(sites)
            changed = sorted([*changed, "sites"])
        if changed:
            record(
                actor=actor.user,
                action="convention.updated",
                obj=locked,
                payload={"fields": changed},
            )
    return changed


# --- dotations -------------------------------------------------------------------------


def _check_dotation(dotation: Dotation, convention: Convention) -> None:
    if not dotation.families:
        raise DomainError(_("Choisissez au moins une famille d'offres."))
    if set(dotation.families) - set(OfferFamily.values):
        raise DomainError(_("Une des familles choisies n'existe pas."))
    if dotation.budget_units is None and dotation.budget_amount is None:
        raise DomainError(_("Indiquez un budget en unités, en euros, ou les deux."))
    if not convention.starts_on.year <= dotation.year <= convention.ends_on.year:
        raise DomainError(
            _("L'année de la dotation doit tomber dans la période de la convention (%(a)s–%(b)s).")
            % {"a": convention.starts_on.year, "b": convention.ends_on.year}
        )
    if dotation.reporting_ends_on < dotation.reporting_starts_on:
        raise DomainError(_("La fin de la période de compte rendu doit être après son début."))


def dotation_create(
    *, actor: Membership, convention: Convention, data: Mapping[str, Any]
) -> Dotation:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, DOTATION_FIELDS)
    with transaction.atomic():
        locked = _locked(
            Convention, actor, convention.pk, _("Cette convention n'est pas dans votre réseau.")
        )
        dotation = Dotation(convention=locked, **data)
        dotation.families = sorted(set(dotation.families))
        _check_dotation(dotation, locked)
        _full_clean(dotation)
        dotation.save()
        record(
            actor=actor.user,
            action="dotation.created",
            obj=dotation,
            payload={"convention_id": locked.pk, "year": dotation.year},
        )
    return dotation


def dotation_update(*, actor: Membership, dotation: Dotation, data: Mapping[str, Any]) -> list[str]:
    _require_role(actor, Role.NETWORK_ADMIN)
    _check_fields(data, DOTATION_FIELDS)
    with transaction.atomic():
        locked = _locked(
            Dotation, actor, dotation.pk, _("Cette dotation n'est pas dans votre réseau.")
        )
        values = dict(data)
        if "families" in values:
            values["families"] = sorted(set(values["families"]))
        candidate = Dotation(
            pk=locked.pk,
            convention=locked.convention,
            **{**{name: getattr(locked, name) for name in DOTATION_FIELDS}, **values},
        )
        _check_dotation(candidate, locked.convention)
        used = set(locked.lots.values_list("family", flat=True))
        if used - set(candidate.families):
            raise DomainError(
                _("Des lots de cette dotation sont d'une famille que vous retirez : gardez-la.")
            )
        if locked.lots.exclude(received_on__year=candidate.year).exists():
            raise DomainError(
                _("Des lots de cette dotation ont été reçus une autre année : gardez l'année.")
            )
        changed = _save_changed(locked, values)
        if changed:
            record(
                actor=actor.user,
                action="dotation.updated",
                obj=locked,
                payload={"fields": changed},
            )
    return changed


# --- donation lots ---------------------------------------------------------------------


def check_lot(lot: DonationLot, *, today: datetime.date) -> None:
    """The rules of one lot (also used by the demo's bulk writes)."""
    if lot.received_on > today:
        raise DomainError(_("La date de réception ne peut pas être dans le futur."))
    if (today - lot.received_on).days > LOT_RECORDING_HORIZON_DAYS:
        raise DomainError(_("Un lot s'enregistre au plus trois ans après sa réception."))
    if lot.family in EQUIPMENT_FAMILIES:
        if lot.unit != LotUnit.DEVICE:
            raise DomainError(_("Un lot de matériel se compte en appareils."))
        if not lot.refurbisher.strip() or not lot.erasure_certificate.strip():
            raise DomainError(
                _(
                    "Pour du matériel, indiquez le reconditionneur et la référence du "
                    "certificat d'effacement des données."
                )
            )
    elif lot.unit == LotUnit.DEVICE and lot.family not in (OfferFamily.BOX, OfferFamily.KEY_4G):
        raise DomainError(_("Cette famille ne se compte pas en appareils."))


def lot_record(
    *,
    actor: Membership,
    donor: Donor,
    site: Site,
    data: Mapping[str, Any],
    dotation: Dotation | None = None,
) -> DonationLot:
    """Record a gift received at a site: the network admin anywhere in the network, a site
    manager at their own site."""
    _require_role(actor, *LOT_ROLES)
    _check_fields(data, LOT_FIELDS)
    network_id = actor_network_id(actor)
    with transaction.atomic():
        if site.network_id != network_id or (
            actor.role == Role.SITE_MANAGER and site.pk != actor.organisation_id
        ):
            raise DomainError(_("Vous ne pouvez enregistrer un lot que pour votre espace."))
        if not site.is_active:
            raise DomainError(_("Cet espace est fermé."))
        in_network = Donor.objects.filter(pk=donor.pk, network_id=network_id).first()
        if in_network is None:
            raise DomainError(_("Ce donateur n'est pas dans votre réseau."))
        donor = in_network
        if not donor.is_active:
            raise DomainError(
                _("« %(name)s » n'est plus un donateur actif.") % {"name": donor.name}
            )
        lot = DonationLot(donor=donor, site=site, dotation=dotation, recorded_by=actor.user, **data)
        check_lot(lot, today=clock.localdate())
        if dotation is not None:
            dotation = (
                Dotation.objects.select_related("convention")
                .filter(pk=dotation.pk, convention__funder__network_id=network_id)
                .first()
            )
            if dotation is None:
                raise DomainError(_("Cette dotation n'est pas dans votre réseau."))
            _check_lot_fits_dotation(lot, dotation)
        _full_clean(lot, exclude=["tax_receipt"])
        lot.save()
        stale_figures.mark_stale(
            site_id=site.pk, day=lot.received_on, dimension=stale_figures.STOCK
        )
        record(
            actor=actor.user,
            action="donation_lot.recorded",
            obj=lot,
            site=site,
            payload={
                "donor_id": donor.pk,
                "dotation_id": dotation.pk if dotation else None,
                "family": lot.family,
                "quantity": lot.quantity,
                "unit": lot.unit,
                "valuation_method": lot.valuation_method,
                "valuation_amount": str(lot.valuation_amount),
            },
        )
    return lot


LOT_CORRECTABLE_FIELDS = tuple(name for name in LOT_FIELDS if name not in ("family", "unit"))


def lot_correct(*, actor: Membership, lot: DonationLot, data: Mapping[str, Any]) -> list[str]:
    """Correct a recorded lot (date, quantity, value, certificates, notes) while no issued
    tax receipt covers it: the receipt printed its value, so it is cancelled first and a
    new one issued after. Its donor, site, dotation, family and unit stay."""
    _require_role(actor, *LOT_ROLES)
    _check_fields(data, LOT_CORRECTABLE_FIELDS)
    with transaction.atomic():
        locked = _locked(
            DonationLot, actor, lot.pk, _("Ce lot n'est pas accessible depuis votre organisation.")
        )
        if locked.tax_receipt_id is not None:
            raise DomainError(
                _(
                    "Le reçu fiscal n° %(number)s couvre ce lot : annulez-le d'abord, corrigez "
                    "le lot, puis émettez un nouveau reçu."
                )
                % {"number": locked.tax_receipt.number}
            )
        candidate = DonationLot(
            pk=locked.pk,
            donor=locked.donor,
            site=locked.site,
            dotation=locked.dotation,
            **{**{name: getattr(locked, name) for name in LOT_FIELDS}, **data},
        )
        check_lot(candidate, today=clock.localdate())
        if locked.dotation is not None:
            _check_lot_fits_dotation(candidate, locked.dotation)
        received_before = locked.received_on
        changed = _save_changed(locked, data)
        if changed:
            stale_figures.mark_stale_many(
                [(locked.site_id, received_before), (locked.site_id, locked.received_on)],
                dimension=stale_figures.STOCK,
            )
            if {"valuation_amount", "quantity"} & set(changed):
                hooks.announce(DONATION_LOT_REVALUED, lot=locked)
            record(
                actor=actor.user,
                action="donation_lot.corrected",
                obj=locked,
                site=locked.site,
                payload={
                    "fields": changed,
                    "before": {name: str(getattr(lot, name)) for name in changed},
                },
            )
    return changed


def _check_lot_fits_dotation(lot: DonationLot, dotation: Dotation) -> None:
    if lot.donor.funder_id is None or dotation.convention.funder_id != lot.donor.funder_id:
        raise DomainError(_("Cette dotation n'est pas celle de ce donateur."))
    if lot.family not in dotation.families:
        raise DomainError(_("Cette dotation ne couvre pas cette famille d'offres."))
    if lot.received_on.year != dotation.year:
        raise DomainError(
            _("Ce lot a été reçu en %(lot)s, la dotation est pour %(dotation)s.")
            % {"lot": lot.received_on.year, "dotation": dotation.year}
        )
    if not dotation.convention.sites.filter(pk=lot.site_id).exists():
        raise DomainError(_("La convention de cette dotation ne couvre pas cet espace."))
