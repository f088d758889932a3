"""Two team members making a card at the same moment leave the person one working card
(PostgreSQL row locks; runs in the PostgreSQL pass)."""

import pytest
from django.db import connection

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.notifications.test_concurrency import run_together
from tisser.accounts.enums import Role
from tisser.learners import services
from tisser.learners.models import LearnerCard

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_cards_made_at_once_leave_one_working_card(site, member_factory):
    person = BeneficiaryFactory(site=site)
    mediator = member_factory(site, Role.MEDIATOR)
    manager = member_factory(site, Role.SITE_MANAGER)
    actors = iter([mediator, manager])

    def issue():
        return services.card_issue(actor=next(actors), beneficiary=person).pk

    results = run_together(issue)
    assert len(results) == 2 and len(set(results)) == 2
    cards = LearnerCard.objects.filter(beneficiary=person)
    assert cards.count() == 2
    assert cards.filter(revoked_at__isnull=True).count() == 1
