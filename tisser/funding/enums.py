"""Codes of the funding app: donors, lots and the offer families donations are made in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferFamily(models.TextChoices):
    """What a donor gives and a space sells (issue 10). Shared by dotations and the catalogue.

    Connection: recharge codes, SIM cards, internet boxes and 4G keys (lent with a monthly
    subscription, returned at the end). Equipment: refurbished devices.
    """

    RECHARGE = "RECHARGE", _("Recharge mobile")
    SIM = "SIM", _("Carte SIM")
    BOX = "BOX", _("Box internet")
    KEY_4G = "CLE_4G", _("Clé 4G")
    SMARTPHONE = "SMARTPHONE", _("Smartphone")
    LAPTOP = "ORDINATEUR_PORTABLE", _("Ordinateur portable")
    TABLET = "TABLETTE", _("Tablette")
    DESKTOP = "ORDINATEUR_FIXE", _("Ordinateur fixe")


CONNECTION_FAMILIES = frozenset(
    {OfferFamily.RECHARGE, OfferFamily.SIM, OfferFamily.BOX, OfferFamily.KEY_4G}
)
EQUIPMENT_FAMILIES = frozenset(
    {OfferFamily.SMARTPHONE, OfferFamily.LAPTOP, OfferFamily.TABLET, OfferFamily.DESKTOP}
)


class DonorKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation (financeur donateur)")
    INDIVIDUAL = "individual", _("Particulier")


class LotUnit(models.TextChoices):
    DEVICE = "device", _("appareil")
    CARD = "card", _("carte")
    CODE = "code", _("code")
    PIECE = "piece", _("pièce")


class ValuationMethod(models.TextChoices):
    """How the value of an in-kind gift is set (it must be justifiable for a tax receipt)."""

    MARKET_VALUE = "market_value", _("Valeur de marché d'un équivalent reconditionné")
    FACE_VALUE = "face_value", _("Valeur faciale (recharges, forfaits)")
    COST_PRICE = "cost_price", _("Coût de revient pour le donateur")
    DONOR_DECLARED = "donor_declared", _("Valeur déclarée par le donateur, justifiée")


class OrganismeQuality(models.TextChoices):
    """The ground on which a network issues tax receipts (article 200 / 238 bis of the CGI)."""

    GENERAL_INTEREST = "general_interest", _("Association ou fondation d'intérêt général")
    PUBLIC_UTILITY = "public_utility", _("Association ou fondation reconnue d'utilité publique")
    INSERTION = "insertion", _("Organisme agréé d'insertion (entreprise ou association)")


class TaxReceiptStatus(models.TextChoices):
    ISSUED = "issued", _("Émis")
    CANCELLED = "cancelled", _("Annulé")
