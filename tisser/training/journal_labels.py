"""The training app's journal actions and objects in plain French (``core/journal_labels``).

Shared by the helpers of issue 15: each appends its own block.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.journal_labels import DetailField, ObjectKind
from tisser.training.enums import DropReason, EnrolmentStatus

ACTION_LABELS: dict = {}
DETAIL_FIELDS: dict = {}
OBJECT_KINDS: list = []

# --- Enrolment (helper E) -------------------------------------------------------------------
ACTION_LABELS.update(
    {
        "training.enrolled": _("Personne inscrite à un groupe de formation"),
        "training.waiting_listed": _("Personne mise en liste d'attente d'un groupe"),
        "training.moved_up": _("Personne passée de la liste d'attente à une place du groupe"),
        "training.dropped": _("Abandon d'une formation noté"),
        "training.enrolments_viewed": _("Liste des inscrits d'un groupe consultée"),
    }
)
DETAIL_FIELDS.setdefault("training.", {}).update(
    {
        "cohort": DetailField(_("groupe n°")),
        "beneficiary": DetailField(_("dossier")),
        "referral": DetailField(_("bon d'orientation n°")),
        "reason": DetailField(_("motif"), DropReason.choices),
        "previous": DetailField(_("statut avant"), EnrolmentStatus.choices),
        "role": DetailField(_("rôle"), Role.choices),
    }
)
OBJECT_KINDS.append(ObjectKind("training.enrolment", _("Inscription à une formation")))
# --- end Enrolment (helper E) ---------------------------------------------------------------
