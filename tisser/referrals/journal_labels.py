"""The referrals app's journal actions and objects in plain French (``core/journal_labels``).

A referral is named by its number (« BO-12 »), never by the person's name.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.dates import format_day
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.referrals.enums import ReferralSource, ReferralStatus, RejectionReason
from tisser.referrals.models import Appointment, ImportBatch, Referral

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
    "referral.session_booked": _("Première séance d'un programme notée comme rendez-vous"),
    "referral.session_cancelled": _("Rendez-vous de séance annulé : abandon du programme"),
    "referral.consumed": _("Bon d'orientation utilisé : personne venue"),
    "referral.no_show": _("Personne absente au rendez-vous"),
    "referral.cancelled": _("Bon d'orientation annulé"),
    "referral.expired": _("Bon d'orientation expiré"),
    "referral.transferred": _("Bon d'orientation transféré à un autre espace"),
    "referral.summary_printed": _("Récapitulatif du bon imprimé pour la personne"),
    "referral.imported": _("Bon d'orientation importé d'une liste"),
    # Appointments (``appointments._journal``: ``appointment.<action>``).
    "appointment.booked": _("Rendez-vous pris"),
    "appointment.came": _("Venue au rendez-vous notée"),
    "appointment.moved_to_now": _("Rendez-vous avancé : la personne est venue plus tôt"),
    "appointment.no_show": _("Absence au rendez-vous notée"),
    "appointment.rebooked": _("Rendez-vous reporté"),
    "referral_import.prepared": _("Liste de personnes déposée"),
    "referral_import.confirmed": _("Import de liste confirmé"),
}

STATUS = ReferralStatus.choices
APPOINTMENT_ORIGINS = [
    ("referral", _("un bon d'orientation")),
    ("file", _("un dossier")),
    ("walk_in", _("l'accueil, sans dossier")),
]
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
    "appointment.": {
        "origin": DetailField(_("pris depuis"), APPOINTMENT_ORIGINS),
        "starts_at": DetailField(_("le")),
        "previous": DetailField(_("avant")),
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


def _appointments(membership, ids):
    rows = Appointment.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Rendez-vous du %(day)s") % {"day": format_day(row.starts_at)},
            page_url(membership, "referrals:detail", row.referral_id) if row.referral_id else "",
        )
        for row in rows.only("pk", "starts_at", "referral_id")
    }


OBJECT_KINDS = [
    ObjectKind("referrals.appointment", _("Rendez-vous"), _appointments),
    ObjectKind("referrals.referral", _("Bon d'orientation"), _referrals),
    ObjectKind("referrals.importbatch", _("Import de liste"), _batches),
]
