"""The training app's journal actions and objects in plain French (``core/journal_labels``).

Each helper appends its actions in its own block.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.training.enums import RegistrationStatus
from tisser.training.models import Workshop

ACTION_LABELS: dict[str, Any] = {}
DETAIL_FIELDS: dict[str, dict[str, DetailField]] = {}
OBJECT_KINDS: list[ObjectKind] = []

# Workshops (helper W) ---------------------------------------------------------------------
# What staff do to workshops and their registrations; a person's own registration or
# cancellation on the public agenda is not journaled (no actor, like a help request).
ACTION_LABELS |= {
    "workshop.created": _("Atelier prévu"),
    "workshop.updated": _("Atelier modifié"),
    "workshop.cancelled": _("Atelier annulé"),
    "workshop.viewed": _("Inscrits d'un atelier consultés"),
    "workshop.registered": _("Personne inscrite à un atelier"),
    "workshop.registration_cancelled": _("Inscription à un atelier annulée"),
}
DETAIL_FIELDS |= {
    "workshop.": {
        "role": DetailField(_("rôle"), Role.choices),
        "capacity": DetailField(_("places")),
        "fields": DetailField(_("champs modifiés")),
        "moved_up": DetailField(_("personnes sorties de la liste d'attente")),
        "told": DetailField(_("personnes prévenues par SMS")),
        "registration": DetailField(_("inscription n°")),
        "status": DetailField(_("statut"), RegistrationStatus.choices),
        "with_file": DetailField(_("avec un dossier")),
    },
}


def _workshops(membership, ids):
    rows = (
        Workshop.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .only("pk", "title", "starts_at")
    )
    return {
        str(row.pk): ObjectName(
            _("Atelier « %(title)s »") % {"title": row.title},
            page_url(membership, "training:workshop_detail", row.pk),
        )
        for row in rows
    }


OBJECT_KINDS.append(ObjectKind("training.workshop", _("Atelier"), _workshops))
