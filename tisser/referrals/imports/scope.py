"""Who may import a list, on behalf of which partner, and to which spaces.

- a partner's referrers import for their partner (it is the referrals' sender);
- a site's manager and mediators import into their own space (no partner);
- a network admin imports on behalf of one of the network's partners whose referrals need
  no moderation (validated, or habilitation not required): that partner is the sender, the
  admin is the journal's actor.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tisser.accounts import geo
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Partner, Site
from tisser.core.errors import DomainError
from tisser.referrals.imports.rows import ParsedFile
from tisser.referrals.models import ImportBatch
from tisser.referrals.transitions import TRUSTED_HABILITATIONS

IMPORT_ROLES = (Role.PARTNER_REFERRER, Role.SITE_MANAGER, Role.MEDIATOR, Role.NETWORK_ADMIN)
SITE_TEAM_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR)


def _network_id(actor: Membership) -> int | None:
    if actor.role == Role.NETWORK_ADMIN:
        return actor.organisation_id
    return actor.organisation.network_id


def check_importer(actor: Membership | None) -> None:
    if actor is None or not actor.is_active or actor.role not in IMPORT_ROLES:
        raise DomainError(_("Votre rôle ne permet pas d'importer une liste."))


def import_target_sites(actor: Membership):
    """The spaces a list may be sent to: the network's open spaces (partner), or one's own."""
    if actor.role in SITE_TEAM_ROLES:
        return Site.objects.active().filter(pk=actor.organisation_id)
    return Site.objects.active().filter(network_id=_network_id(actor)).order_by("city", "name")


def assign_sites(parsed: ParsedFile, *, actor: Membership, site: Site | None) -> Site | None:
    """Give each row its target space; returns the one space for the whole file, if any."""
    if actor.role in SITE_TEAM_ROLES:
        site = Site.objects.active().filter(pk=actor.organisation_id).first()
        if site is None:
            raise DomainError(_("Votre espace est fermé : il ne peut pas recevoir de liste."))
    if site is not None:
        if not import_target_sites(actor).filter(pk=site.pk).exists():
            raise DomainError(_("Choisissez un espace ouvert du réseau."))
        for row in parsed.rows:
            row.site_id = site.pk
        return site
    candidates = list(geo.candidate_sites(network=_network_id(actor)))
    nearest: dict[str, int | None] = {}
    for row in parsed.rows:
        code = row.data["postal_code"]
        if any(column == "code_postal" for column, _message in row.problems):
            continue
        if code not in nearest:
            ranked = geo.rank_sites(code, candidates, limit=1)
            nearest[code] = ranked[0].pk if ranked else None
        row.site_id = nearest[code]
        if row.site_id is None:
            row.problems.append(
                (
                    "code_postal",
                    _(
                        "Aucun espace du réseau n'a été trouvé pour ce code postal : choisissez un espace pour tout le fichier."
                    ),
                )
            )
            row.import_key, row.duplicate_of = "", None
    return None


def import_partners(actor: Membership):
    """The partners a network admin may import for: the network's active, trusted partners."""
    if actor.role != Role.NETWORK_ADMIN:
        return Partner.objects.none()
    return Partner.objects.filter(
        network_id=actor.organisation_id,
        is_active=True,
        habilitation_status__in=TRUSTED_HABILITATIONS,
    ).order_by("name")


def sender_for(actor: Membership, partner: Partner | None) -> Partner | None:
    """The partner recorded as the referrals' sender; refuses a partner out of reach."""
    if actor.role == Role.NETWORK_ADMIN:
        if partner is None:
            raise DomainError(_("Choisissez le partenaire pour lequel vous importez la liste."))
        chosen = import_partners(actor).filter(pk=partner.pk).first()
        if chosen is None:
            raise DomainError(
                _("Choisissez un partenaire validé du réseau pour importer cette liste.")
            )
        return chosen
    if partner is not None:
        raise DomainError(_("Seul un administrateur du réseau importe pour un partenaire."))
    if actor.role == Role.PARTNER_REFERRER:
        return Partner.objects.get(pk=actor.organisation_id)
    return None


def import_list(*, actor: Membership):
    """The organisation's imports, newest first (for the imports page)."""
    return (
        ImportBatch.objects.visible_to(actor)
        .filter(organisation_id=actor.organisation_id)
        .select_related("uploaded_by", "on_behalf_of")
        .order_by("-created_at", "-pk")
    )
