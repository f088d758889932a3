"""Codes of the sales app: access rights and quota rules (docs/decisions/0046, 0047)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RightOpening(models.TextChoices):
    REFERRAL = "referral", _("bon d'orientation honoré")
    DECISION = "decision", _("décision du responsable de l'espace")


class RightStatus(models.TextChoices):
    """Computed from the dates and the events, never stored (see AccessRight.status_on)."""

    FUTURE = "future", _("à venir")
    ACTIVE = "active", _("actif")
    SUSPENDED = "suspended", _("suspendu")
    EXPIRED = "expired", _("expiré")
    CLOSED = "closed", _("clos")


class RightCloseReason(models.TextChoices):
    """Why a right ended before its date (an expired right needs no reason: its date passed)."""

    ELIGIBILITY_LOST = "eligibility_lost", _("la personne ne remplit plus les conditions")
    MOVED = "moved", _("la personne a déménagé")
    MISUSE = "misuse", _("usage abusif (revente, fraude)")
    REOPENED = "reopened", _("remplacé par un nouveau droit")
    MERGED = "merged", _("doublon fusionné dans un autre dossier")
    OTHER = "other", _("autre motif")


class RenewalDecision(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("accepté")
    REFUSED = "refused", _("refusé")


class QuotaScope(models.TextChoices):
    OFFER = "offer", _("une offre")
    FAMILY = "family", _("une famille d'offres")
    FAMILIES = "families", _("plusieurs familles (montant cumulé)")


class QuotaPer(models.TextChoices):
    PERSON = "person", _("par personne")
    HOUSEHOLD = "household", _("par foyer")


class QuotaWindow(models.TextChoices):
    CALENDAR_MONTH = "calendar_month", _("par mois civil")
    ROLLING_DAYS = "rolling_days", _("sur N jours glissants")
    ACCESS_RIGHT = "access_right", _("pendant le droit d'accès")
    YEARS = "years", _("sur N ans")
    LIFETIME = "lifetime", _("une fois pour toutes")


class QuotaMeasure(models.TextChoices):
    QUANTITY = "quantity", _("quantité")
    AMOUNT = "amount", _("montant en valeur faciale")


# --- The counter sale (issue 11, decision 0049) ----------------------------------------


class SaleStatus(models.TextChoices):
    """A sale's life: a cart is built, confirmed (stock reserved, quotas taken), then paid
    (receipt numbered, immutable) — or cancelled / expired before payment."""

    CART = "cart", _("panier")
    CONFIRMED = "confirmed", _("à encaisser")
    PAID = "paid", _("payée")
    CANCELLED = "cancelled", _("annulée")
    EXPIRED = "expired", _("expirée")


class SaleLineKind(models.TextChoices):
    ITEM = "item", _("article du stock")
    SUBSCRIPTION_FEE = "subscription_fee", _("mensualité d'abonnement")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("espèces")
    CARD = "card", _("carte bancaire")
    CHEQUE = "cheque", _("chèque")
    THIRD_PARTY = "third_party", _("tiers payeur")
    PASS_NUMERIQUE = "pass_numerique", _("Pass numérique")
    CREDIT = "credit", _("avoir (retour)")


# Methods whose money or paper is in the till at the end of the day (counted at closing).
TILL_METHODS = (
    PaymentMethod.CASH,
    PaymentMethod.CARD,
    PaymentMethod.CHEQUE,
    PaymentMethod.PASS_NUMERIQUE,
)


class ReturnOutcome(models.TextChoices):
    REFUND = "refund", _("remboursement")
    EXCHANGE = "exchange", _("échange")


class ReturnedDeviceFate(models.TextChoices):
    """What becomes of a device brought back (the ledger's RETURN, then its status)."""

    TO_PROCESS = "to_process", _("à traiter (sera effacé et contrôlé de nouveau)")
    AFTER_SALES = "after_sales", _("SAV (réparation sous garantie)")
    WRITTEN_OFF = "written_off", _("mis au rebut (non réemployable)")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("en cours")
    ENDED = "ended", _("terminé, box à rendre")
    CLOSED = "closed", _("clos")


class VatRegime(models.TextChoices):
    """How the network's receipts treat VAT (decision 0049)."""

    FRANCHISE = "franchise", _("franchise en base (art. 293 B du CGI)")
    NON_PROFIT_EXEMPT = "non_profit_exempt", _("exonération des organismes sans but lucratif")
    MARGIN = "margin", _("TVA sur la marge, biens d'occasion (art. 297 A du CGI)")
