"""The training app's journal actions and objects in plain French (``core/journal_labels``).

Shared by the helpers of issue 15: each block is appended, clearly commented.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url
from tisser.training.enums import DropReason, EnrolmentStatus, RegistrationStatus
from tisser.training.models import Cohort, Programme, Workshop

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


# --- Surveys (helper S) ---------------------------------------------------------------------
ACTION_LABELS.update(
    {
        "training.survey_invited_satisfaction": _("Questionnaire de satisfaction envoyé"),
        "training.survey_invited_outcome": _("Questions « six mois après » envoyées"),
        "training.survey_tablet_listed": _("Questionnaires à remplir sur la tablette consultés"),
        "training.survey_tablet_opened": _("Questionnaire ouvert sur la tablette de l'espace"),
    }
)
DETAIL_FIELDS.setdefault("training.", {}).update({"beneficiary": DetailField(_("dossier"))})
OBJECT_KINDS.append(ObjectKind("training.surveyinvitation", _("Invitation à un questionnaire")))
# --- end Surveys (helper S) -----------------------------------------------------------------


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


# Dashboard (helper D) ------------------------------------------------------------------------
ACTION_LABELS |= {
    "training.referred_people_viewed": _(
        "Liste des personnes orientées en formation consultée par le partenaire"
    ),
}
