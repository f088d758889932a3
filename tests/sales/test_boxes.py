"""Box subscriptions: opened by the paid sale of a lent box, due dates, fees, end, return."""

import datetime
from decimal import Decimal

import pytest

from tests.sales.factories import Item, sell
from tests.sales.helpers import paris
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.sales import boxes
from tisser.sales.enums import SubscriptionStatus
from tisser.sales.models import BoxSubscription

pytestmark = pytest.mark.django_db


def sell_box(counter, at=None):
    with clock.frozen_at(at or paris(2026, 1, 31, 10)):
        return sell(actor=counter.mediator, beneficiary=counter.person, items=[counter.box])


# --- opening -------------------------------------------------------------------------------


def test_the_paid_box_opens_a_subscription_of_twelve_months(counter):
    sale = sell_box(counter)
    subscription = BoxSubscription.objects.get()
    line = sale.lines.get()
    assert subscription.opening_line == line
    assert subscription.device_id == line.device_id
    assert subscription.monthly_fee == Decimal("10.00")
    assert subscription.starts_on == datetime.date(2026, 1, 31)
    assert subscription.ends_on == datetime.date(2027, 1, 30)
    assert subscription.status == SubscriptionStatus.ACTIVE
    entry = JournalEntry.objects.get(action="box_subscription.opened")
    assert entry.payload["sale"] == sale.pk and entry.site_id == counter.site.pk


def test_a_laptop_opens_no_subscription(counter):
    with clock.frozen_at(paris(2026, 1, 31, 10)):
        sale = sell(actor=counter.mediator, beneficiary=counter.person, items=[counter.laptop])
        with pytest.raises(DomainError, match="box ou une clé 4G"):
            boxes.subscription_open(actor=counter.mediator, line=sale.lines.get(), at=clock.now())
    assert not BoxSubscription.objects.exists()


def test_a_box_line_opens_one_subscription_only(counter):
    sale = sell_box(counter)
    with pytest.raises(DomainError, match="déjà son abonnement"):
        boxes.subscription_open(actor=counter.mediator, line=sale.lines.get(), at=clock.now())
    assert BoxSubscription.objects.count() == 1


def test_another_site_cannot_open_the_subscription(counter):
    with clock.frozen_at(paris(2026, 1, 31, 10)):
        sale = sell(
            actor=counter.mediator, beneficiary=counter.person, items=[Item(counter.laptop)]
        )
    for actor in (counter.other_manager, counter.volunteer, counter.foreign_admin):
        with pytest.raises(DomainError):
            boxes.subscription_open(actor=actor, line=sale.lines.get(), at=clock.now())
    assert not BoxSubscription.objects.exists()
