"""The catalogue of solidarity offers: created and changed by the network admin only.

The family decides the stock tracking (``TRACKING_BY_FAMILY``); prices are ``Decimal``;
the market price is never below the solidarity price; grades only for devices; a loan
(box, 4G key) has a monthly price; a recharge has a face value. Site staff read the list.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core import journal
from tisser.core.errors import DomainError
from tisser.funding.enums import OfferFamily
from tisser.offers.enums import DEFAULT_WARRANTY_MONTHS, LENT_FAMILIES, TRACKING_BY_FAMILY, Tracking
from tisser.offers.models import Offer

EDITABLE_FIELDS = (
    "family",
    "name",
    "description",
    "solidarity_price",
    "market_price",
    "monthly_price",
    "face_value",
    "data_gb",
    "allowed_grades",
    "warranty_months",
    "is_loan",
    "requires_access_right",
    "active_from",
    "active_until",
)
# Warranty proposed per family (months); the admin may change it per offer.
WARRANTY_BY_FAMILY = {
    OfferFamily.SMARTPHONE: DEFAULT_WARRANTY_MONTHS,
    OfferFamily.LAPTOP: DEFAULT_WARRANTY_MONTHS,
    OfferFamily.TABLET: DEFAULT_WARRANTY_MONTHS,
    OfferFamily.DESKTOP: DEFAULT_WARRANTY_MONTHS,
    OfferFamily.BOX: DEFAULT_WARRANTY_MONTHS,
    OfferFamily.KEY_4G: DEFAULT_WARRANTY_MONTHS,
    OfferFamily.RECHARGE: 0,
    OfferFamily.SIM: 0,
}


def _require_admin(actor) -> None:
    if actor is None or not actor.is_active or actor.role != Role.NETWORK_ADMIN:
        raise DomainError(_("Seul l'administrateur du réseau modifie le catalogue."))


def offer_rules(data: dict) -> dict[str, str]:
    """Field -> French message for each catalogue rule ``data`` breaks (empty: fine)."""
    problems: dict[str, str] = {}
    family = data.get("family")
    solidarity, market = data.get("solidarity_price"), data.get("market_price")
    if solidarity is not None and market is not None and market < solidarity:
        problems["market_price"] = _(
            "Le prix de référence du marché ne peut pas être plus bas que le prix solidaire."
        )
    if family in LENT_FAMILIES:
        if not data.get("monthly_price"):
            problems["monthly_price"] = _("Une box ou une clé 4G a un abonnement mensuel.")
    elif data.get("monthly_price"):
        problems["monthly_price"] = _("Seules une box ou une clé 4G ont un abonnement mensuel.")
    if family == OfferFamily.RECHARGE and not data.get("face_value"):
        problems["face_value"] = _("Une recharge a une valeur faciale (ex. 10,00 €).")
    tracking = TRACKING_BY_FAMILY.get(family)
    if tracking != Tracking.DEVICE and data.get("allowed_grades"):
        problems["allowed_grades"] = _("Les grades ne concernent que les appareils.")
    if tracking == Tracking.DEVICE and not data.get("allowed_grades"):
        problems["allowed_grades"] = _("Choisissez au moins un grade accepté.")
    starts, ends = data.get("active_from"), data.get("active_until")
    if starts and ends and ends < starts:
        problems["active_until"] = _("La date de fin est avant la date de début.")
    return problems


def _apply(offer: Offer, data: dict) -> None:
    problems = offer_rules(data)
    if problems:
        raise ValidationError(problems)
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(offer, name, data[name])
    offer.tracking = TRACKING_BY_FAMILY[offer.family]
    offer.is_loan = offer.family in LENT_FAMILIES
    for name in ("solidarity_price", "market_price", "monthly_price", "face_value"):
        value = getattr(offer, name)
        if value is not None:
            setattr(offer, name, Decimal(value).quantize(Decimal("0.01")))
    offer.full_clean(exclude=["network"])


def offer_create(*, actor, data: dict, sites=()) -> Offer:
    _require_admin(actor)
    _check_sites(actor, sites)
    with transaction.atomic():
        offer = Offer(network_id=actor.organisation_id)
        _apply(offer, data)
        offer.save()
        offer.sites.set(sites)
        journal.record(actor=actor.user, action="offer.created", obj=offer)
    return offer


def offer_update(*, actor, offer: Offer, data: dict, sites=None) -> Offer:
    _require_admin(actor)
    if sites is not None:
        _check_sites(actor, sites)
    with transaction.atomic():
        locked = Offer.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=offer.pk)
        before = {name: getattr(locked, name) for name in EDITABLE_FIELDS}
        if (
            "family" in data
            and data["family"] != locked.family
            and TRACKING_BY_FAMILY[data["family"]] != locked.tracking
            and (
                locked.devices.exists() or locked.vouchers.exists() or locked.stock_levels.exists()
            )
        ):
            raise DomainError(
                _("Cette offre a déjà du stock : sa famille ne peut plus changer de suivi.")
            )
        _apply(locked, data)
        changed = sorted(name for name in EDITABLE_FIELDS if getattr(locked, name) != before[name])
        locked.save()
        if sites is not None:
            before_sites = set(locked.sites.values_list("pk", flat=True))
            locked.sites.set(sites)
            if before_sites != {site.pk for site in sites}:
                changed.append("sites")
        journal.record(
            actor=actor.user, action="offer.updated", obj=locked, payload={"fields": changed}
        )
    return locked


def offer_deactivate(*, actor, offer: Offer) -> Offer:
    """The offer is no longer sold (stock already held stays visible in the stock list)."""
    _require_admin(actor)
    with transaction.atomic():
        locked = Offer.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=offer.pk)
        if not locked.is_active:
            raise DomainError(_("Cette offre est déjà désactivée."))
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        journal.record(actor=actor.user, action="offer.deactivated", obj=locked)
    return locked


def _check_sites(actor, sites) -> None:
    for site in sites:
        if site.network_id != actor.organisation_id:
            raise DomainError(_("Cet espace n'appartient pas à votre réseau."))


def offer_list(*, actor):
    """The network's offers (site staff: their network's, with the ones their site sells)."""
    network_id = (
        actor.organisation_id if actor.role == Role.NETWORK_ADMIN else actor.organisation.network_id
    )
    return (
        Offer.objects.filter(network_id=network_id)
        .prefetch_related("sites")
        .order_by("-is_active", "family", "name")
    )
