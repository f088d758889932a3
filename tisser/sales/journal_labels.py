"""The sales app's journal actions and objects in plain French (``core/journal_labels``)."""

from django.utils.translation import gettext_lazy as _

from tisser.core.dates import format_day
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.funding.enums import OfferFamily
from tisser.sales.enums import (
    PaymentMethod,
    QuotaMeasure,
    QuotaPer,
    QuotaScope,
    QuotaWindow,
    ReturnedDeviceFate,
    ReturnOutcome,
    RightCloseReason,
    RightOpening,
)
from tisser.sales.models import (
    AccessRight,
    BoxSubscription,
    CashClosing,
    QuotaRule,
    Sale,
    SaleReturn,
)

ACTION_LABELS = {
    "access_right.opened": _("Droit d'accès solidaire ouvert"),
    "access_right.opened_in_bulk": _("Droits d'accès solidaires ouverts en lot"),
    "access_right.suspended": _("Droit d'accès suspendu"),
    "access_right.resumed": _("Suspension du droit d'accès levée"),
    "access_right.closed": _("Droit d'accès clos"),
    "access_right.renewal_requested": _("Renouvellement du droit d'accès demandé"),
    "access_right.renewal_accepted": _("Renouvellement du droit d'accès accepté"),
    "access_right.renewal_refused": _("Renouvellement du droit d'accès refusé"),
    "access_right.settings_updated": _("Réglages des droits d'accès modifiés"),
    "quota_rule.created": _("Règle de quota créée"),
    "quota_rule.updated": _("Règle de quota modifiée"),
    "quota.consumed": _("Quotas consommés par un achat"),
    "quota.given_back": _("Quotas rendus après un retour"),
    "quota.overridden": _("Dérogation à un quota accordée"),
    "box_subscription.opened": _("Abonnement box ouvert"),
    "box_subscription.fees_to_pay": _("Mensualités de box à encaisser"),
    "box_subscription.ended": _("Abonnement box terminé"),
    "box_subscription.box_returned": _("Box rendue"),
    "box_subscription.viewed": _("Abonnement box consulté"),
    "sale_return.sale_viewed": _("Achat consulté pour un retour"),
    "sale_return.viewed": _("Retour d'un achat consulté"),
    "sale_return.slip_printed": _("Bon de retour imprimé"),
    "sale_return.recorded": _("Retour d'un achat enregistré"),
    "cash_closing.recorded": _("Caisse clôturée"),
    # The counter sale (sales.counter, decision 0049).
    "sale.started": _("Vente au comptoir commencée"),
    "sale.line_added": _("Article ajouté au panier"),
    "sale.line_removed": _("Article retiré du panier"),
    "sale.confirmed": _("Panier confirmé : stock réservé, quotas pris"),
    "sale.paid": _("Vente encaissée, ticket émis"),
    "sale.cancelled": _("Vente annulée avant paiement"),
    "sale.expired": _("Vente expirée : réservation du stock terminée"),
    "sale.receipt_printed": _("Ticket de caisse imprimé"),
    "counter_settings.updated": _("Réglages du comptoir modifiés"),
}

DETAIL_FIELDS = {
    "access_right.": {
        "beneficiary": DetailField(_("dossier (identifiant)")),
        "opened_by": DetailField(_("ouvert par"), RightOpening.choices),
        "referral": DetailField(_("bon d'orientation n°")),
        "starts_on": DetailField(_("début")),
        "ends_on": DetailField(_("fin")),
        "previous": DetailField(_("droit précédent n°")),
        "close_reason": DetailField(_("motif de fin"), RightCloseReason.choices),
        "renewal": DetailField(_("demande n°")),
        "suspended_on": DetailField(_("suspendu depuis le")),
        "duration_months": DetailField(_("durée (mois)")),
        "renewal_months": DetailField(_("durée d'un renouvellement (mois)")),
        "max_renewals": DetailField(_("renouvellements possibles")),
        "reminder_days": DetailField(_("rappel (jours avant la fin)")),
        "count": DetailField(_("nombre")),
    },
    "quota_rule.": {
        "scope": DetailField(_("porte sur"), QuotaScope.choices),
        "per": DetailField(_("compté"), QuotaPer.choices),
        "window": DetailField(_("période"), QuotaWindow.choices),
        "measure": DetailField(_("limite"), QuotaMeasure.choices),
    },
    "quota.": {
        "beneficiary": DetailField(_("dossier (identifiant)")),
        "offers": DetailField(_("offres (identifiants)")),
        "quantities": DetailField(_("quantités")),
        "reference_kind": DetailField(_("origine")),
        "rules": DetailField(_("règles dépassées (identifiants)")),
        "lines": DetailField(_("lignes (identifiants)")),
        "family": DetailField(_("famille"), OfferFamily.choices),
    },
    "box_subscription.": {
        "sale": DetailField(_("vente n°")),
        "device": DetailField(_("box (identifiant)")),
        "monthly_fee": DetailField(_("mensualité (€)")),
        "starts_on": DetailField(_("début")),
        "ends_on": DetailField(_("fin prévue")),
        "ended_on": DetailField(_("terminé le")),
        "months": DetailField(_("échéances")),
        "stale_lines": DetailField(_("lignes de ventes annulées retirées")),
        "amount": DetailField(_("montant (€)")),
        "fate": DetailField(_("devenir de la box"), ReturnedDeviceFate.choices),
        "returned_on": DetailField(_("rendue le")),
    },
    "sale_return.": {
        "sale": DetailField(_("vente n°")),
        "line": DetailField(_("ligne n°")),
        "quantity": DetailField(_("quantité")),
        "outcome": DetailField(_("solution"), ReturnOutcome.choices),
        "fate": DetailField(_("devenir de l'appareil"), ReturnedDeviceFate.choices),
        "refund": DetailField(_("remboursé (€)")),
        "refund_method": DetailField(_("remboursé en"), PaymentMethod.choices),
        "credit": DetailField(_("avoir (€)")),
        "quota_given_back": DetailField(_("quota rendu")),
    },
    "cash_closing.": {
        "day": DetailField(_("journée")),
        "discrepancy": DetailField(_("écart (€)")),
        "bank_deposit": DetailField(_("dépôt en banque (€)")),
        "closing_float": DetailField(_("fond de caisse laissé (€)")),
    },
    "sale.": {
        "beneficiary": DetailField(_("dossier (identifiant)")),
        "offer": DetailField(_("offre (identifiant)")),
        "quantity": DetailField(_("quantité")),
        "lines": DetailField(_("lignes")),
        "total": DetailField(_("total (€)")),
        "overridden": DetailField(_("avec dérogation")),
        "receipt": DetailField(_("ticket n°")),
        "methods": DetailField(_("moyens de paiement")),
    },
    "counter_settings.": {
        "fields": DetailField(_("champs modifiés")),
    },
}


def _rights(membership, ids):
    rows = (
        AccessRight.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("beneficiary")
        .only("pk", "beneficiary__id", "beneficiary__file_number")
    )
    return {
        str(row.pk): ObjectName(
            _("Droit d'accès du dossier n° %(number)s") % {"number": row.beneficiary.file_number},
            page_url(membership, "sales:right_detail", row.pk),
        )
        for row in rows
    }


def _rules(membership, ids):
    rows = QuotaRule.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(row.name, page_url(membership, "sales:rule_edit", row.pk))
        for row in rows.only("pk", "name")
    }


def _subscriptions(membership, ids):
    rows = BoxSubscription.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Abonnement box n° %(id)s") % {"id": row.pk},
            page_url(membership, "sales:box_detail", row.pk),
        )
        for row in rows.only("pk")
    }


def _returns(membership, ids):
    rows = SaleReturn.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Retour n° %(id)s") % {"id": row.pk},
            page_url(membership, "sales:return_detail", row.pk),
        )
        for row in rows.only("pk")
    }


def _closings(membership, ids):
    rows = CashClosing.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Clôture de caisse du %(day)s") % {"day": format_day(row.day)},
            page_url(membership, "sales:cash_detail", row.pk),
        )
        for row in rows.only("pk", "day")
    }


def _sales(membership, ids):
    rows = Sale.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            row.receipt_number or _("Vente n° %(id)s") % {"id": row.pk},
            page_url(membership, "sales:sale_detail", row.pk),
        )
        for row in rows.only("pk", "receipt_number")
    }


OBJECT_KINDS = [
    ObjectKind("sales.accessright", _("Droit d'accès solidaire"), _rights),
    ObjectKind("sales.accessrightsettings", _("Réglages des droits d'accès")),
    ObjectKind("sales.quotarule", _("Règle de quota"), _rules),
    ObjectKind("sales.boxsubscription", _("Abonnement box"), _subscriptions),
    ObjectKind("sales.salereturn", _("Retour d'un achat"), _returns),
    ObjectKind("sales.cashclosing", _("Clôture de caisse"), _closings),
    ObjectKind("sales.sale", _("Vente au comptoir"), _sales),
    ObjectKind("sales.countersettings", _("Réglages du comptoir")),
]
