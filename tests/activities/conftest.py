"""A site's team around activity records, and the builders the tests share."""

import datetime
from dataclasses import dataclass

import pytest

from tests.accounts.factories import MembershipFactory, NetworkFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Site
from tisser.activities.services import ActivityData
from tisser.core import clock


@dataclass
class Team:
    site: Site
    mediator: Membership
    colleague: Membership
    manager: Membership
    volunteer: Membership
    admin: Membership
    other_site: Site
    other_mediator: Membership
    foreign_admin: Membership


@pytest.fixture
def team(network, site, other_site):
    return Team(
        site=site,
        mediator=MembershipFactory(organisation=site, role=Role.MEDIATOR),
        colleague=MembershipFactory(organisation=site, role=Role.MEDIATOR),
        manager=MembershipFactory(organisation=site, role=Role.SITE_MANAGER),
        volunteer=MembershipFactory(organisation=site, role=Role.VOLUNTEER),
        admin=MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN),
        other_site=other_site,
        other_mediator=MembershipFactory(organisation=other_site, role=Role.MEDIATOR),
        foreign_admin=MembershipFactory(
            organisation=NetworkFactory(name="Autre réseau"), role=Role.NETWORK_ADMIN
        ),
    )


@pytest.fixture
def person(site):
    return BeneficiaryFactory(
        site=site,
        first_name="Awa",
        last_name="Diallo",
        birth_year=1990,
        social_status="en_emploi",
        postal_code="67100",
        commune="Strasbourg",
    )


def individual(**overrides) -> ActivityData:
    """An individual accompaniment of an anonymous person, today, about e-mail."""
    values = {
        "kind": "individuel",
        "date": clock.localdate(),
        "duration_minutes": 30,
        "place_type": "lieu_activite",
        "themes": ["email"],
        "anonymous_count": 1,
        "anonymous_counts": {"age": {"soixante_soixante_neuf": 1}, "gender": {"feminin": 1}},
    }
    values.update(overrides)
    return ActivityData(**values)


def workshop(**overrides) -> ActivityData:
    values = {
        "kind": "collectif",
        "date": clock.localdate() - datetime.timedelta(days=1),
        "duration_minutes": 120,
        "place_type": "lieu_activite",
        "themes": ["securite_numerique", "email"],
        "workshop_name": "Déjouer les arnaques",
        "workshop_level": "debutant",
        "anonymous_count": 5,
        "anonymous_counts": {
            "age": {"soixante_dix_plus": 2, "quarante_cinquante_neuf": 1},
            "status": {"retraite": 3},
            "gender": {"feminin": 4, "masculin": 1},
        },
        "anonymous_seen_before": 2,
    }
    values.update(overrides)
    return ActivityData(**values)
