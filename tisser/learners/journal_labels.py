"""The learners app's journal actions and objects in plain French (``core/journal_labels``).

A card is named by the file it belongs to (its number, never the person's name) and opens
the file's card page for whoever may read that file. No entry ever holds a code or a link.
"""

from django.utils.translation import gettext_lazy as _

from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.learners.models import LearnerCard

ACTION_LABELS = {
    "learner_card.issued": _("Carte d'accès apprenant remise"),
    "learner_card.revoked": _("Carte d'accès apprenant désactivée"),
    "learner_card.shown": _("Carte d'accès apprenant montrée à l'écran"),
    "learner_card.printed": _("Carte d'accès apprenant imprimée"),
    "learner_card.sms_queued": _("Carte d'accès apprenant envoyée par SMS"),
    "learner.signed_in": _("Apprenant connecté avec sa carte"),
}

DETAIL_FIELDS = {
    "learner_card.": {
        "file_number": DetailField(_("dossier n°")),
        "expires": DetailField(_("valable jusqu'au")),
        "reason": DetailField(
            _("motif"),
            [
                ("revoked", _("désactivée par l'équipe")),
                ("reissued", _("remplacée par une nouvelle carte")),
            ],
        ),
        "notification": DetailField(_("message n°")),
    },
    "learner.": {
        "method": DetailField(_("avec"), [("code", _("le code")), ("qr", _("le QR code"))]),
        "device": DetailField(
            _("appareil"),
            [("personal", _("personnel")), ("shared", _("partagé de l'espace"))],
        ),
    },
}


def _cards(membership, ids):
    rows = (
        LearnerCard.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("beneficiary")
        .only("pk", "beneficiary__id", "beneficiary__file_number")
    )
    return {
        str(row.pk): ObjectName(
            _("Carte apprenant du dossier n° %(number)s") % {"number": row.beneficiary.file_number},
            page_url(membership, "learners:card_manage", row.beneficiary.pk),
        )
        for row in rows
    }


OBJECT_KINDS = [ObjectKind("learners.learnercard", _("Carte d'accès apprenant"), _cards)]
