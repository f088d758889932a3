"""The beneficiaries app's journal actions and objects in plain French (``core/journal_labels``).

A file is named by its number, never by the person's name: the journal is an audit trail,
and the number is enough to open the file for whoever may read it.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.beneficiaries.enums import ConsentKind, PeriodCloseReason, PeriodOpening
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary, FileNote
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url

ACTION_LABELS = {
    "beneficiary.created": _("Dossier créé"),
    "beneficiary.updated": _("Dossier modifié"),
    "beneficiary.viewed": _("Dossier consulté"),
    "beneficiary.consent_given": _("Consentement donné"),
    "beneficiary.consent_withdrawn": _("Consentement retiré"),
    "beneficiary.merged": _("Dossiers fusionnés"),
    "beneficiary.linked": _("Bon d'orientation rattaché à un dossier existant"),
    "period.opened": _("Accompagnement ouvert"),
    "period.closed": _("Accompagnement terminé"),
    "note.created": _("Note écrite"),
    "note.read": _("Notes consultées"),
    "household.linked": _("Dossiers rattachés à un même foyer"),
    "household.left": _("Dossier retiré de son foyer"),
    "beneficiary.anonymised": _("Dossier anonymisé"),  # issue 16 (MARKS)
}

SOURCES = [
    ("counter", _("accueil de l'espace")),
    ("referral", _("bon d'orientation")),
    ("existing", _("dossier existant")),
]
DETAIL_FIELDS = {
    "beneficiary.": {
        "file_number": DetailField(_("dossier n°")),
        "source": DetailField(_("origine"), SOURCES),
        "referral": DetailField(_("bon d'orientation n°")),
        "role": DetailField(_("rôle du lecteur"), Role.choices),
        "kind": DetailField(_("consentement"), ConsentKind.choices),
        "consents": DetailField(_("consentements"), ConsentKind.choices),
        "duplicate_check_overridden": DetailField(_("doublon possible ignoré")),
        "notice_version": DetailField(_("version de l'information")),
        "kept": DetailField(_("dossier gardé n°")),
        "duplicate": DetailField(_("doublon n°")),
        "duplicate_file_number": DetailField(_("doublon : dossier n°")),
    },
    "period.": {
        "beneficiary": DetailField(_("dossier n°")),
        "opened_by": DetailField(_("ouvert par"), PeriodOpening.choices),
        "referral": DetailField(_("bon d'orientation n°")),
        "opened_on": DetailField(_("ouvert le")),
        "reason": DetailField(_("motif de fin"), PeriodCloseReason.choices),
        "automatic": DetailField(_("automatique")),
    },
    "note.": {"beneficiary": DetailField(_("dossier n°")), "page": DetailField(_("page"))},
    "household.": {
        "household": DetailField(_("foyer n°")),
        "files": DetailField(_("dossiers (identifiants)")),
        "joined": DetailField(_("dossiers entrés dans le foyer")),
        "file": DetailField(_("dossier (identifiant)")),
        "ended": DetailField(_("foyer dissous")),
    },
}


def _files(membership, ids):
    rows = Beneficiary.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Dossier n° %(number)s") % {"number": row.file_number},
            page_url(membership, "beneficiaries:detail", row.pk),
        )
        for row in rows.only("pk", "file_number")
    }


def _periods(membership, ids):
    rows = (
        AccompanimentPeriod.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("beneficiary")
        .only("pk", "beneficiary__id", "beneficiary__file_number")
    )
    return {
        str(row.pk): ObjectName(
            _("Accompagnement du dossier n° %(number)s") % {"number": row.beneficiary.file_number},
            page_url(membership, "beneficiaries:detail", row.beneficiary.pk),
        )
        for row in rows
    }


def _notes(membership, ids):
    rows = (
        FileNote.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("beneficiary")
        .only("pk", "beneficiary__id", "beneficiary__file_number")
    )
    return {
        str(row.pk): ObjectName(
            _("Note du dossier n° %(number)s") % {"number": row.beneficiary.file_number},
            page_url(membership, "beneficiaries:notes", row.beneficiary.pk),
        )
        for row in rows
    }


OBJECT_KINDS = [
    ObjectKind("beneficiaries.beneficiary", _("Dossier"), _files),
    ObjectKind("beneficiaries.accompanimentperiod", _("Accompagnement"), _periods),
    ObjectKind("beneficiaries.filenote", _("Note"), _notes),
    ObjectKind("beneficiaries.household", _("Foyer")),
]
