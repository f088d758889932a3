"""Factories for activity records (the cross-site 404 matrix finds them by model).

``ActivityFactory(site=...)`` builds an individual accompaniment of an anonymous person,
written by a mediator of the site, as ``activity_create`` would store it.
"""

import factory
from django.utils import timezone

from tests.accounts.factories import MembershipFactory, SiteFactory
from tisser.accounts.enums import Role
from tisser.activities.enums import THEME_BITS, ActivityKind, PlaceType
from tisser.activities.models import Activity, Participation


def _mediator_for(activity):
    return MembershipFactory(organisation=activity.site, role=Role.MEDIATOR).user


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    site = factory.SubFactory(SiteFactory)
    mediator = factory.LazyAttribute(_mediator_for)
    kind = ActivityKind.INDIVIDUEL
    date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 30
    place_type = PlaceType.LIEU_ACTIVITE
    themes = factory.LazyFunction(lambda: ["email"])
    theme_mask = factory.LazyAttribute(lambda o: sum(THEME_BITS[c] for c in o.themes))
    anonymous_count = 1
    anonymous_counts = factory.LazyFunction(
        lambda: {
            "age": {"non_communique": 1},
            "status": {"non_communique": 1},
            "gender": {"non_communique": 1},
        }
    )
    participant_count = 1


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    beneficiary = factory.SubFactory("tests.beneficiaries.factories.BeneficiaryFactory")
