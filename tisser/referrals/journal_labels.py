"""The referrals app's journal actions and objects in plain French (``core/journal_labels``).

A referral is named by its number (« BO-12 »), never by the person's name.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.referrals.enums import ReferralSource, ReferralStatus, RejectionReason
from tisser.referrals.models import ImportBatch, Referral

ACTION_LABELS = {
    "referral.created": _("Bon d'orientation créé"),
    "referral.updated": _("Bon d'orientation modifié"),
    "referral.viewed": _("Bon d'orientation consulté"),
    "referral.reminded": _("Relance envoyée pour un bon d'orientation"),
    "referral.help_request_overdue": _("Demande d'aide en retard signalée"),
    # Transitions (``transitions.journal_entry``: ``referral.<action_code>``).
    "referral.submitted": _("Bon d'orientation envoyé"),
    "referral.moderation_approved": _("Bon d'orientation transmis après modération"),
    "referral.moderation_rejected": _("Bon d'orientation refusé à la modération"),
    "referral.accepted": _("Bon d'orientation accepté"),
    "referral.rejected": _("Bon d'orientation refusé"),
    "referral.rebooked": _("Rendez-vous déplacé"),
    "referral.consumed": _("Personne venue au rendez-vous"),
    "referral.no_show": _("Personne absente au rendez-vous"),
    "referral.cancelled": _("Bon d'orientation annulé"),
    "referral.expired": _("Bon d'orientation expiré"),
    "referral.transferred": _("Bon d'orientation transféré à un autre espace"),
    "referral.imported": _("Bon d'orientation importé d'une liste"),
    "referral_import.prepared": _("Liste de personnes déposée"),
    "referral_import.confirmed": _("Import de liste confirmé"),
}

STATUS = ReferralStatus.choices
DETAIL_FIELDS = {
    "referral": {
        "from": DetailField(_("de"), STATUS),
        "to": DetailField(_("à"), STATUS),
        "status": DetailField(_("statut"), STATUS),
        "source": DetailField(_("origine"), ReferralSource.choices),
        "partner": DetailField(_("partenaire n°")),
        "fields": DetailField(_("champs modifiés")),
        "role": DetailField(_("rôle du lecteur"), Role.choices),
        "reminder": DetailField(_("relance n°")),
        "days": DetailField(_("jours d'attente")),
        "due_on": DetailField(_("réponse attendue le")),
        "appointment": DetailField(_("rendez-vous n°")),
        "previous": DetailField(_("rendez-vous précédent n°")),
        "beneficiary": DetailField(_("dossier n°")),
        "reasons": DetailField(_("motifs"), RejectionReason.choices),
        "from_site": DetailField(_("de l'espace n°")),
        "to_site": DetailField(_("à l'espace n°")),
        "batch": DetailField(_("import n°")),
        "rows": DetailField(_("lignes")),
        "kind": DetailField(_("type de liste")),
        "created": DetailField(_("créés")),
        "skipped": DetailField(_("ignorés")),
    },
}


def _referrals(membership, ids):
    rows = Referral.objects.visible_to(membership).filter(pk__in=integer_ids(ids)).only("pk")
    return {
        str(row.pk): ObjectName(
            _("Bon d'orientation BO-%(id)s") % {"id": row.pk},
            page_url(membership, "referrals:detail", row.pk),
        )
        for row in rows
    }


def _batches(membership, ids):
    rows = ImportBatch.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Import « %(file)s »") % {"file": row.file_name},
            page_url(membership, "imports:preview", row.pk),
        )
        for row in rows.only("pk", "file_name")
    }


OBJECT_KINDS = [
    ObjectKind("referrals.referral", _("Bon d'orientation"), _referrals),
    ObjectKind("referrals.importbatch", _("Import de liste"), _batches),
]
