"""The training app's journal actions and objects in plain French (``core/journal_labels``).

Shared by the helpers of issue 15: each block is appended, clearly commented.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.training.models import Cohort, Programme

# --- programmes and cohorts (helper P) ---
ACTION_LABELS = {
    "training.programme_created": _("Programme de formation créé"),
    "training.programme_updated": _("Programme de formation modifié"),
    "training.plan_session_added": _("Séance ajoutée au déroulé d'un programme"),
    "training.plan_session_updated": _("Séance du déroulé d'un programme modifiée"),
    "training.plan_session_moved": _("Séance déplacée dans le déroulé d'un programme"),
    "training.plan_session_removed": _("Séance retirée du déroulé d'un programme"),
    "training.cohort_created": _("Groupe de formation créé avec son calendrier"),
    "training.cohort_updated": _("Groupe de formation modifié"),
    "training.cohort_cancelled": _("Groupe de formation annulé"),
    "training.cohort_closed": _("Groupe de formation terminé"),
    "training.cohort_viewed": _("Groupe de formation consulté (liste des personnes)"),
    "training.session_moved": _("Séance d'un groupe de formation déplacée"),
}

DETAIL_FIELDS = {
    "training.": {
        "fields": DetailField(_("champs modifiés")),
        "session": DetailField(_("séance")),
        "position": DetailField(_("place dans le déroulé")),
        "programme": DetailField(_("programme")),
        "sessions": DetailField(_("séances au calendrier")),
        "from": DetailField(_("prévue le")),
        "to": DetailField(_("déplacée au")),
        "role": DetailField(_("rôle"), Role.choices),
    },
}


def _programmes(membership, ids):
    rows = Programme.objects.visible_to(membership).filter(pk__in=integer_ids(ids)).only("name")
    return {
        str(row.pk): ObjectName(
            _("Programme « %(name)s »") % {"name": row.name},
            page_url(membership, "training:programme_detail", row.pk),
        )
        for row in rows
    }


def _cohorts(membership, ids):
    rows = Cohort.objects.visible_to(membership).filter(pk__in=integer_ids(ids)).only("name")
    return {
        str(row.pk): ObjectName(
            _("Groupe « %(name)s »") % {"name": row.name},
            page_url(membership, "training:cohort_detail", row.pk),
        )
        for row in rows
    }


OBJECT_KINDS = [
    ObjectKind("training.programme", _("Programme de formation"), _programmes),
    ObjectKind("training.cohort", _("Groupe de formation"), _cohorts),
]
# --- end of programmes and cohorts ---

# Roll call and attendance (helper R) -------------------------------------------------------
ACTION_LABELS |= {
    "training.roll_call_taken": _("Appel d'une séance de formation fait"),
    "training.roll_call_retaken": _("Appel d'une séance de formation corrigé"),
    "training.workshop_roll_call_taken": _("Appel d'un atelier fait"),
    "training.workshop_roll_call_retaken": _("Appel d'un atelier corrigé"),
    "training.certificate_issued": _("Attestation de fin de formation délivrée"),
    "training.certificate_printed": _("Attestation de fin de formation imprimée"),
    "training.signature_sheet_printed": _("Feuille d'émargement imprimée"),
    "training.attendance_viewed": _("Présences d'une séance consultées"),
    "training.hours_viewed": _("Heures suivies d'un groupe consultées"),
}
_ROLL_CALL_FIELDS = {
    "counts": DetailField(_("présences")),
    "activity": DetailField(_("activité")),
    "created": DetailField(_("présences notées")),
    "changed": DetailField(_("présences corrigées")),
    "came": DetailField(_("venus")),
    "missed": DetailField(_("pas venus")),
    "walk_ins": DetailField(_("venus sans inscription")),
    "number": DetailField(_("numéro")),
    "minutes": DetailField(_("minutes suivies")),
    "percent": DetailField(_("part des heures (%)")),
    "half_day": DetailField(_("demi-journée")),
    "role": DetailField(_("rôle"), Role.choices),
}
DETAIL_FIELDS |= dict.fromkeys(
    (
        "training.roll_call",
        "training.workshop_roll_call",
        "training.certificate",
        "training.signature_sheet",
        "training.attendance",
        "training.hours",
    ),
    _ROLL_CALL_FIELDS,
)

# Dashboard (helper D) ------------------------------------------------------------------------
ACTION_LABELS |= {
    "training.referred_people_viewed": _(
        "Liste des personnes orientées en formation consultée par le partenaire"
    ),
}
