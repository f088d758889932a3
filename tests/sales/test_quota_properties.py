"""Property test: whatever sequence of sales, returns, overrides and days passing, no rule is
ever exceeded unless an overridden sale sits in its window (hypothesis)."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.sales.helpers import buy, paris
from tisser.beneficiaries import services as files
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.sales.quotas import Override, quota_give_back, quota_remaining

pytestmark = pytest.mark.django_db

PEOPLE = 3  # the first two share a household, the third lives alone
OFFERS = ("laptop", "smartphone", "recharge5", "recharge10", "sim")

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("sell"),
            st.integers(0, PEOPLE - 1),
            st.sampled_from(OFFERS),
            st.integers(1, 4),
        ),
        st.tuples(
            st.just("override"),
            st.integers(0, PEOPLE - 1),
            st.sampled_from(OFFERS),
            st.integers(1, 2),
        ),
        st.tuples(st.just("return"), st.integers(0, 50)),
        st.tuples(st.just("days"), st.integers(1, 400)),
    ),
    min_size=1,
    max_size=25,
)


def _no_rule_exceeded_without_override(people):
    for person in people:
        for status in quota_remaining(beneficiary=person):
            if status.applies and status.used > status.maximum:
                assert any(c.overridden for c in status.counted), (
                    f"{status.rule.name} exceeded for {person.pk} without an override: "
                    f"{status.used} > {status.maximum}"
                )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_no_quota_is_ever_exceeded_without_an_override(team, offers, rules, steps):
    with transaction.atomic(), clock.manual_clock() as manual:
        moment = paris(2026, 1, 30, 10)
        manual.move_to(moment)
        people = [BeneficiaryFactory(site=team.site) for _ in range(PEOPLE)]
        files.household_link(actor=team.mediator, beneficiary=people[0], other=people[1])
        sold = []
        for step in steps:
            if step[0] in ("sell", "override"):
                _, who, offer_name, quantity = step
                override = (
                    Override(by=team.manager, reason="Situation exceptionnelle")
                    if step[0] == "override"
                    else None
                )
                try:
                    sold += buy(
                        team.mediator,
                        people[who],
                        (getattr(offers, offer_name), quantity),
                        override=override,
                    )
                except DomainError:
                    assert override is None  # only a refusal without override is expected
            elif step[0] == "return":
                open_lines = [line for line in sold if line.given_back_at is None]
                if open_lines:
                    line = open_lines[step[1] % len(open_lines)]
                    quota_give_back(actor=team.mediator, consumptions=[line])
                    line.given_back_at = moment
            else:
                moment += datetime.timedelta(days=step[1])
                manual.move_to(moment)
            _no_rule_exceeded_without_override(people)
        transaction.set_rollback(True)
