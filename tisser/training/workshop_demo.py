"""Demo workshops (issue 15): coming and past one-off workshops at the network's spaces other
than Strasbourg (where the 32-hour programme runs), with registrations — by the team and
online — and one full workshop with a waiting list, so that the public agenda, a space's
page and the staff pages have something to show.

Phones are in the range reserved for fiction (06 39 98 xx xx, ARCEP); no message is
recorded: demo registrations were confirmed before the demo began.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from tisser.accounts.demo import STRASBOURG_SITE
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation, Site
from tisser.activities.enums import Theme, WorkshopLevel
from tisser.core.clock import ManualClock
from tisser.core.clock import now as clock_now
from tisser.training import workshops
from tisser.training.enums import RegistrationStatus
from tisser.training.models import Workshop, WorkshopRegistration

# (title, theme, level, plain description)
PLANS = (
    (
        "Envoyer une photo par e-mail",
        Theme.EMAIL,
        WorkshopLevel.DEBUTANT,
        "Prendre une photo avec son téléphone et l'envoyer en pièce jointe.",
    ),
    (
        "Prendre rendez-vous chez le médecin en ligne",
        Theme.SANTE,
        WorkshopLevel.DEBUTANT,
        "Trouver un médecin, choisir une heure, recevoir la confirmation.",
    ),
    (
        "Repérer les arnaques par SMS",
        Theme.SECURITE_NUMERIQUE,
        WorkshopLevel.INTERMEDIAIRE,
        "Reconnaître un faux message et savoir quoi faire.",
    ),
    (
        "Faire ses démarches CAF en ligne",
        Theme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES,
        WorkshopLevel.INTERMEDIAIRE,
        "Se connecter, déclarer ses ressources, télécharger une attestation.",
    ),
    (
        "Ranger ses photos et ses fichiers",
        Theme.GERE_SES_CONTENUS_NUMERIQUES,
        WorkshopLevel.AVANCE,
        "Créer des dossiers, sauvegarder, libérer de la place.",
    ),
)
FIRST_NAMES = ("Awa", "Jean", "Fatima", "Michel", "Léa", "Karim", "Monique", "Yann", "Inès", "Paul")
COMING_PER_SITE = 3
PAST_PER_SITE = 2


@dataclass
class DemoWorkshopsResult:
    workshops: int = 0
    registrations: int = 0
    waiting: int = 0


def _fiction_phone(n: int) -> str:
    return f"+336399800{n % 100:02d}"


def _team(network: Organisation) -> dict[int, Membership]:
    found: dict[int, Membership] = {}
    rows = (
        Membership.objects.active()
        .filter(organisation__site__network=network, role__in=(Role.MEDIATOR, Role.SITE_MANAGER))
        .select_related("user")
        .order_by("role", "user__email")
    )
    for membership in rows:
        found.setdefault(membership.organisation_id, membership)
    return found


def seed_demo_workshops(*, network: Organisation, clock: ManualClock) -> DemoWorkshopsResult:
    result = DemoWorkshopsResult()
    clock.release()
    now = clock_now()
    team = _team(network)
    sites = list(
        Site.objects.active().filter(network=network).exclude(name=STRASBOURG_SITE).order_by("pk")
    )
    phone = 0
    for index, site in enumerate(sites):
        member = team.get(site.pk)
        if member is None:
            continue
        rng = random.Random(f"workshop-demo:{site.pk}")  # noqa: S311 (demo draws)
        days = [-14, -7] + [3 + 4 * n + index % 3 for n in range(COMING_PER_SITE)]
        for number, offset in enumerate(days):
            title, theme, level, description = PLANS[(index + number) % len(PLANS)]
            day = timezone.localdate(now) + datetime.timedelta(days=offset)
            starts_at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(14 if number % 2 else 10, 0))
            )
            # The first coming workshop of the first space is full, with a waiting list.
            full = index == 0 and offset > 0 and number == PAST_PER_SITE
            capacity = 4 if full else rng.choice((6, 8, 10))
            workshop = Workshop.objects.create(
                site=site,
                title=title,
                theme=theme,
                level=level,
                description=description,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=2),
                place="Salle informatique",
                capacity=capacity,
                is_public=True,
                mediator=member.user,
            )
            result.workshops += 1
            people = capacity + 2 if full else rng.randint(1, capacity - 1)
            for seat in range(people):
                phone += 1
                waiting = seat >= capacity
                registration = WorkshopRegistration(
                    workshop=workshop,
                    first_name=FIRST_NAMES[(phone + seat) % len(FIRST_NAMES)],
                    phone=_fiction_phone(phone),
                    status=RegistrationStatus.WAITING if waiting else RegistrationStatus.CONFIRMED,
                    waiting_since=now if waiting else None,
                    registered_by=member.user if seat % 2 else None,
                )
                workshops._save_new(registration)
                result.registrations += 1
                result.waiting += int(waiting)
    return result
