"""The accounts app's journal actions and objects in plain French (see ``core/journal_labels``).

Objects are named by what the staff see anyway (a space's or partner's name, a member's
role); an invitation is named by its number and role, never by the invited address.
"""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import ClosureReason, FunderKind, HabilitationStatus, Role
from tisser.accounts.models import (
    Closure,
    Funder,
    Invitation,
    Membership,
    Organisation,
    Partner,
    Site,
)
from tisser.core.dates import format_day
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url

ACTION_LABELS = {
    "site.created": _("Espace créé"),
    "site.updated": _("Espace modifié"),
    "partner.created": _("Partenaire créé"),
    "partner.updated": _("Partenaire modifié"),
    "partner.validated": _("Habilitation du partenaire validée"),
    "funder.created": _("Financeur créé"),
    "funder.updated": _("Financeur modifié"),
    "member.invited": _("Membre invité"),
    "invitation.revoked": _("Invitation annulée"),
    "invitation.accepted": _("Invitation acceptée"),
    "member.role_changed": _("Rôle d'un membre changé"),
    "member.deactivated": _("Membre désactivé"),
    "member.reactivated": _("Membre réactivé"),
    "demo.seeded": _("Données de démonstration créées"),
    "closure.created": _("Fermeture exceptionnelle ajoutée"),
    "closure.deleted": _("Fermeture exceptionnelle supprimée"),
}

ROLE = Role.choices
DETAIL_FIELDS = {
    "": {
        "fields": DetailField(_("champs modifiés")),
        "organisation_id": DetailField(_("organisation n°")),
        "membership_id": DetailField(_("membre n°")),
    },
    "member.": {
        "role": DetailField(_("rôle"), ROLE),
        "old_role": DetailField(_("ancien rôle"), ROLE),
        "new_role": DetailField(_("nouveau rôle"), ROLE),
        "replaced_ids": DetailField(_("invitations remplacées n°")),
    },
    "invitation.": {"role": DetailField(_("rôle"), ROLE)},
    "partner.validated": {
        "from": DetailField(_("de"), HabilitationStatus.choices),
        "to": DetailField(_("à"), HabilitationStatus.choices),
    },
    "partner.": {"habilitation_status": DetailField(_("habilitation"), HabilitationStatus.choices)},
    "funder.": {
        "funder_kind": DetailField(_("type de financeur"), FunderKind.choices),
        "is_donor": DetailField(_("don en nature")),
    },
    "closure.": {
        "starts_on": DetailField(_("du")),
        "ends_on": DetailField(_("au")),
        "reason": DetailField(_("motif"), ClosureReason.choices),
    },
    "site.": {
        "short_code": DetailField(_("code court")),
        "slots": DetailField(_("créneaux d'ouverture")),
    },
}


def _organisations(model, url_name: str | None):
    def resolve(membership, ids):
        rows = model.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
        return {
            str(row.pk): ObjectName(
                row.name, page_url(membership, url_name, row.pk) if url_name else ""
            )
            for row in rows.only("pk", "name")
        }

    return resolve


def _memberships(membership, ids):
    rows = (
        Membership.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("organisation")
        .only("pk", "role", "organisation__name")
    )
    return {
        str(row.pk): ObjectName(
            _("%(role)s de « %(organisation)s » (membre n° %(id)s)")
            % {"role": row.get_role_display(), "organisation": row.organisation.name, "id": row.pk}
        )
        for row in rows
    }


def _invitations(membership, ids):
    rows = (
        Invitation.objects.visible_to(membership)
        .filter(pk__in=integer_ids(ids))
        .select_related("organisation")
        .only("pk", "role", "organisation__name")
    )
    return {
        str(row.pk): ObjectName(
            _("Invitation n° %(id)s : %(role)s de « %(organisation)s »")
            % {"id": row.pk, "role": row.get_role_display(), "organisation": row.organisation.name}
        )
        for row in rows
    }


def _closures(membership, ids):
    rows = Closure.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("Fermeture du %(start)s au %(end)s")
            % {"start": format_day(row.starts_on), "end": format_day(row.ends_on)}
        )
        for row in rows.only("pk", "starts_on", "ends_on")
    }


OBJECT_KINDS = [
    ObjectKind("accounts.closure", _("Fermeture exceptionnelle"), _closures),
    ObjectKind("accounts.organisation", _("Organisation"), _organisations(Organisation, None)),
    ObjectKind("accounts.site", _("Espace"), _organisations(Site, "accounts:site_edit")),
    ObjectKind(
        "accounts.partner", _("Partenaire"), _organisations(Partner, "accounts:partner_edit")
    ),
    ObjectKind("accounts.funder", _("Financeur"), _organisations(Funder, "accounts:funder_edit")),
    ObjectKind("accounts.membership", _("Membre"), _memberships),
    ObjectKind("accounts.invitation", _("Invitation"), _invitations),
]
