"""The training app's journal actions in plain French (``core/journal_labels``).

Each helper appends its own block.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.journal_labels import DetailField

ACTION_LABELS: dict = {}
DETAIL_FIELDS: dict = {}

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
