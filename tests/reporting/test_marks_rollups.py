"""Acceptance (issue 16): the roll-ups are up to date after each kind of write.

For each kind of write — activity, sale, return, attendance (roll call), diagnostic, merge,
erasure, referral, module — the roll-ups are built, the write is done through its service,
the stale marks are refreshed, and then every indicator of the catalogue (whatever the
catalogue holds when the test runs: it grows as the sources land) reads the same from the
roll-ups as from the raw records, in total and per site, and no mark is left.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from tests.activities.conftest import individual
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learning.conftest import MODULE_KEY
from tests.referrals.actions import bookable
from tests.referrals.factories import ReferralFactory
from tests.sales.factories import sell
from tests.sales.helpers import paris
from tests.training.roll_helpers import DURING, a_class
from tisser.activities import services as activities
from tisser.beneficiaries import services as beneficiaries
from tisser.core import clock
from tisser.core.models import StaleFigure
from tisser.diagnostics import services as diagnostics
from tisser.learning import content
from tisser.learning import services as learning
from tisser.referrals import transitions
from tisser.reporting import catalogue, figures, rollups
from tisser.reporting.figures import Selection
from tisser.sales import returns
from tisser.sales.enums import PaymentMethod, ReturnedDeviceFate, ReturnOutcome
from tisser.training.enums import AttendanceStatus
from tisser.training.roll_call import Mark, roll_call_record

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 12, 31)
PAID_AT = paris(2026, 1, 15, 11)


@dataclass
class Place:
    """Where a write happened: the network and the sites whose figures are compared."""

    network_id: int
    site_ids: tuple[int, ...]


def _counter_place(counter) -> Place:
    return Place(counter.network.pk, (counter.site.pk, counter.other_site.pk))


def _some_history(counter) -> None:
    """Records already there before the write: the figures are not all zero."""
    ParticipationFactory(
        activity=ActivityFactory(site=counter.site, date=datetime.date(2026, 2, 3)),
        beneficiary=counter.person,
    )
    with clock.frozen_at(PAID_AT):
        sell(actor=counter.mediator, beneficiary=counter.person, items=[counter.recharge])


# --- the writes: each sets up what it needs, builds the roll-ups, then writes --------------


def write_activity(request, build):
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    build()
    activities.activity_create(
        actor=counter.mediator,
        data=individual(participants=[counter.person], anonymous_count=0, anonymous_counts={}),
    )
    return _counter_place(counter)


def write_sale(request, build):
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    build()
    with clock.frozen_at(paris(2026, 2, 10, 10)):
        sell(actor=counter.mediator, beneficiary=counter.person, items=[counter.laptop])
    return _counter_place(counter)


def write_return(request, build):
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    with clock.frozen_at(PAID_AT):
        sale = sell(actor=counter.mediator, beneficiary=counter.person, items=[counter.laptop])
    build()
    with clock.frozen_at(paris(2026, 1, 20)):
        returns.sale_return_record(
            actor=counter.mediator,
            line=sale.lines.get(),
            quantity=1,
            outcome=ReturnOutcome.REFUND,
            reason="Ne démarre plus.",
            refund_method=PaymentMethod.CASH,
            device_fate=ReturnedDeviceFate.TO_PROCESS,
        )
    return _counter_place(counter)


def write_roll_call(request, build):
    group = a_class()
    build()
    present = AttendanceStatus.PRESENT
    with clock.frozen_at(DURING):
        roll_call_record(
            actor=group.mediator,
            session=group.session,
            marks={
                enrolment.pk: Mark(status)
                for enrolment, status in zip(
                    group.enrolments, (present, present, AttendanceStatus.ABSENT), strict=True
                )
            },
        )
    return Place(group.site.network_id, (group.site.pk,))


def write_diagnostic(request, build):
    request.getfixturevalue("skills_content")
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    sitting = diagnostics.diagnostic_start(beneficiary=counter.person, kind="entry", mode="alone")
    build()
    diagnostics.diagnostic_finish(sitting)
    return _counter_place(counter)


def write_merge(request, build):
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    duplicate = BeneficiaryFactory(site=counter.other_site)
    for site, person in ((counter.other_site, duplicate), (counter.site, counter.person)):
        ParticipationFactory(
            activity=ActivityFactory(site=site, date=datetime.date(2026, 3, 4)), beneficiary=person
        )
    build()
    beneficiaries.beneficiary_merge(
        actor=counter.admin, kept=counter.person, duplicate=duplicate, reason="Même personne"
    )
    return _counter_place(counter)


def write_erasure(request, build):
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    build()
    beneficiaries.beneficiary_anonymise(actor=counter.manager, beneficiary=counter.person)
    return _counter_place(counter)


def write_referral(request, build):
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    referral = ReferralFactory(site=counter.site, submitted=True)
    build()
    transitions.referral_accept(
        actor=counter.manager,
        referral=referral,
        starts_at=bookable(timezone.now() + datetime.timedelta(days=3)),
        place="Salle 2",
    )
    return _counter_place(counter)


def write_module(request, build):
    request.getfixturevalue("module_files")
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    module = content.module(MODULE_KEY)
    build()
    progress = learning.module_start(learner=counter.person, module=module)
    for step in ("carte-adresse", "bilan"):
        learning.step_read(learner=counter.person, progress=progress, step=module.step(step))
    learning.step_answer(
        learner=counter.person,
        progress=progress,
        step=module.step("quiz-arobase"),
        response={"selected": ["a"]},
        idempotency_key="k1",
    )
    return _counter_place(counter)


WRITES = {
    "activity": write_activity,
    "sale": write_sale,
    "return": write_return,
    "attendance": write_roll_call,
    "diagnostic": write_diagnostic,
    "merge": write_merge,
    "erasure": write_erasure,
    "referral": write_referral,
    "module": write_module,
}


def _every_code() -> list[str]:
    return list(catalogue.catalogue())


def _both_ways(place: Place) -> None:
    codes = _every_code()
    whole = Selection(network_id=place.network_id, start=START, end=END)
    assert figures.compute(whole, codes, source="rollups") == figures.compute(
        whole, codes, source="raw"
    )
    assert figures.compute_split(whole, codes, by="site", source="rollups") == (
        figures.compute_split(whole, codes, by="site", source="raw")
    )
    for site_id in place.site_ids:
        one = Selection(
            network_id=place.network_id, start=START, end=END, site_ids=frozenset({site_id})
        )
        assert figures.compute(one, codes, source="rollups") == figures.compute(
            one, codes, source="raw"
        )


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_the_rollups_are_up_to_date_after_each_kind_of_write(request, kind):
    built = []

    def build():
        built.append(rollups.rebuild(START, END))

    place = WRITES[kind](request, build)
    assert StaleFigure.objects.exists(), "the write marked what it touched"
    rollups.refresh_stale()
    _both_ways(place)
    if built and built[0]:
        # The roll-ups engine wrote pieces (it has landed): every mark was consumed.
        assert not StaleFigure.objects.exists()


def test_an_anonymised_file_leaves_every_figure_unchanged(request):
    counter = request.getfixturevalue("counter")
    _some_history(counter)
    with clock.frozen_at(paris(2026, 2, 10, 10)):
        sell(actor=counter.mediator, beneficiary=counter.person, items=[counter.laptop])
    codes = _every_code()
    whole = Selection(network_id=counter.network.pk, start=START, end=END)
    rollups.rebuild(START, END)
    before_raw = figures.compute(whole, codes, source="raw")
    before_rollups = figures.compute(whole, codes, source="rollups")
    before_split = figures.compute_split(whole, codes, by="site", source="raw")

    beneficiaries.beneficiary_anonymise(actor=counter.manager, beneficiary=counter.person)
    rollups.refresh_stale()

    assert figures.compute(whole, codes, source="raw") == before_raw
    assert figures.compute(whole, codes, source="rollups") == before_rollups == before_raw
    assert figures.compute_split(whole, codes, by="site", source="raw") == before_split
