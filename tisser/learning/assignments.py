"""The helper's writes: give modules to a person or a group, withdraw them, form groups.

Who acts: a network admin or the site team (manager, mediator, volunteer) of the person's
file, or of the group's site. Every write is journaled (labels in journal_labels.py).
A module given twice stays one assignment; a withdrawn one may be given again. Giving to
a group gives each member their own assignment, marked with the group (decision 0053).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site
from tisser.beneficiaries.models import Beneficiary
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.learning import content
from tisser.learning.models import LearnerGroup, ModuleAssignment

STAFF_ROLES = (Role.NETWORK_ADMIN, Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)
GROUP_NAME_MAX = 80


def _check_actor(actor: Membership | None) -> None:
    if actor is None or not actor.is_active or actor.role not in STAFF_ROLES:
        raise DomainError(_("Votre rôle ne permet pas cette action."))


def check_file(actor: Membership | None, beneficiary: Beneficiary) -> None:
    """A member who may act on this file: staff of its site (or a network admin), not merged."""
    _check_actor(actor)
    if beneficiary.merged_into_id or not (
        Beneficiary.objects.visible_to(actor).filter(pk=beneficiary.pk).exists()
    ):
        raise DomainError(_("Ce dossier n'est pas visible pour vous."))


def _check_group(actor: Membership | None, group: LearnerGroup) -> None:
    _check_actor(actor)
    if not LearnerGroup.objects.visible_to(actor).filter(pk=group.pk).exists():
        raise DomainError(_("Ce groupe n'est pas visible pour vous."))


def _known_keys(module_keys) -> list[str]:
    keys = list(dict.fromkeys(key for key in module_keys if key))
    if not keys:
        raise DomainError(_("Choisissez au moins un module."))
    unknown = [key for key in keys if content.module(key) is None]
    if unknown:
        raise DomainError(_("Ce module n'existe pas : %(key)s.") % {"key": ", ".join(unknown)})
    return keys


def _give(*, actor, beneficiaries, keys, group=None) -> list[ModuleAssignment]:
    """Create the missing (person, module) assignments after each person's last ones."""
    people = [b.pk for b in beneficiaries]
    held = set(
        ModuleAssignment.objects.filter(
            beneficiary_id__in=people, module_key__in=keys, withdrawn_at__isnull=True
        ).values_list("beneficiary_id", "module_key")
    )
    last = dict(
        ModuleAssignment.objects.filter(beneficiary_id__in=people, withdrawn_at__isnull=True)
        .values("beneficiary_id")
        .annotate(top=Max("position"))
        .values_list("beneficiary_id", "top")
    )
    rows = []
    for person in people:
        position = last.get(person, -1)
        for key in keys:
            if (person, key) in held:
                continue
            position += 1
            rows.append(
                ModuleAssignment(
                    beneficiary_id=person,
                    module_key=key,
                    position=position,
                    group=group,
                    assigned_by=actor.user,
                )
            )
    try:
        with transaction.atomic():
            return ModuleAssignment.objects.bulk_create(rows)
    except IntegrityError as error:  # given at the same moment from another page
        raise DomainError(_("Ces modules viennent d'être donnés : rechargez la page.")) from error


@transaction.atomic
def module_assign(
    *, actor: Membership, beneficiary: Beneficiary, module_keys
) -> list[ModuleAssignment]:
    """Give modules to one person; those already given are left as they are."""
    check_file(actor, beneficiary)
    keys = _known_keys(module_keys)
    created = _give(actor=actor, beneficiaries=[beneficiary], keys=keys)
    if created:
        record(
            actor=actor.user,
            action="learning.assigned",
            obj=beneficiary,
            site=beneficiary.site_id,
            payload={"modules": [row.module_key for row in created], "role": actor.role},
        )
    return created


@transaction.atomic
def module_withdraw(
    *, actor: Membership, beneficiary: Beneficiary, module_key: str
) -> ModuleAssignment:
    """Take a module off the person's path (their progress is kept)."""
    check_file(actor, beneficiary)
    assignment = (
        ModuleAssignment.objects.select_for_update()
        .filter(beneficiary=beneficiary, module_key=module_key, withdrawn_at__isnull=True)
        .first()
    )
    if assignment is None:
        raise DomainError(_("Ce module n'est pas donné à cette personne."))
    assignment.withdrawn_at = clock.now()
    assignment.save(update_fields=["withdrawn_at"])
    record(
        actor=actor.user,
        action="learning.withdrawn",
        obj=beneficiary,
        site=beneficiary.site_id,
        payload={"modules": [module_key], "role": actor.role},
    )
    return assignment


# --- groups ---------------------------------------------------------------------------------


def _group_site(actor: Membership, site: Site | None) -> Site:
    if actor.role == Role.NETWORK_ADMIN:
        if site is None:
            raise DomainError(_("Choisissez l'espace du groupe."))
        return site
    if site is not None and site.pk != actor.organisation_id:
        raise DomainError(_("Un groupe se forme avec les personnes de votre espace."))
    return Site.objects.get(pk=actor.organisation_id)


@transaction.atomic
def group_create(*, actor: Membership, name: str, site: Site | None = None) -> LearnerGroup:
    """A new group of the site (a network admin names the site)."""
    _check_actor(actor)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Donnez un nom au groupe."))
    if len(name) > GROUP_NAME_MAX:
        raise DomainError(_("Le nom du groupe est trop long (80 signes au plus)."))
    group_site = _group_site(actor, site)
    if LearnerGroup.objects.filter(site=group_site, name=name).exists():
        raise DomainError(_("Un groupe porte déjà ce nom dans l'espace."))
    group = LearnerGroup.objects.create(site=group_site, name=name, created_by=actor.user)
    record(
        actor=actor.user,
        action="learning.group_created",
        obj=group,
        site=group_site.pk,
        payload={"role": actor.role},
    )
    return group


def _member(actor: Membership, group: LearnerGroup, beneficiary_id) -> Beneficiary:
    person = (
        Beneficiary.objects.visible_to(actor)
        .filter(pk=beneficiary_id, site_id=group.site_id, merged_into__isnull=True)
        .first()
    )
    if person is None:
        raise DomainError(_("Cette personne n'est pas un dossier de l'espace du groupe."))
    return person


@transaction.atomic
def group_member_add(*, actor: Membership, group: LearnerGroup, beneficiary_id: int) -> Beneficiary:
    """Add a person of the group's site; the group's modules are given to them too."""
    _check_group(actor, group)
    person = _member(actor, group, beneficiary_id)
    if group.members.filter(pk=person.pk).exists():
        raise DomainError(_("Cette personne est déjà dans le groupe."))
    group.members.add(person)
    keys = list(
        dict.fromkeys(
            group.assignments.filter(withdrawn_at__isnull=True)
            .order_by("assigned_at", "pk")
            .values_list("module_key", flat=True)
        )
    )
    if keys:
        _give(actor=actor, beneficiaries=[person], keys=keys, group=group)
    record(
        actor=actor.user,
        action="learning.group_member_added",
        obj=group,
        site=group.site_id,
        payload={"beneficiary": person.pk, "modules": keys, "role": actor.role},
    )
    return person


@transaction.atomic
def group_member_remove(
    *, actor: Membership, group: LearnerGroup, beneficiary_id: int
) -> Beneficiary:
    """Take a person out of the group; the modules already given stay on their path."""
    _check_group(actor, group)
    person = group.members.filter(pk=beneficiary_id).first()
    if person is None:
        raise DomainError(_("Cette personne n'est pas dans le groupe."))
    group.members.remove(person)
    record(
        actor=actor.user,
        action="learning.group_member_removed",
        obj=group,
        site=group.site_id,
        payload={"beneficiary": person.pk, "role": actor.role},
    )
    return person


@transaction.atomic
def group_assign(*, actor: Membership, group: LearnerGroup, module_keys) -> list[ModuleAssignment]:
    """Give modules to every member of the group (each gets their own assignment)."""
    _check_group(actor, group)
    keys = _known_keys(module_keys)
    people = list(group.members.filter(merged_into__isnull=True).only("pk"))
    if not people:
        raise DomainError(_("Le groupe n'a encore personne : ajoutez des personnes d'abord."))
    created = _give(actor=actor, beneficiaries=people, keys=keys, group=group)
    record(
        actor=actor.user,
        action="learning.group_assigned",
        obj=group,
        site=group.site_id,
        payload={"modules": keys, "assignments": len(created), "role": actor.role},
    )
    return created
