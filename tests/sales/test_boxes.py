"""Box subscriptions: opened by the paid sale of a lent box, due dates, fees, end, return."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.offers.stock_helpers import level, receive_devices
from tests.sales.factories import Item, pay_confirmed, sell
from tests.sales.helpers import paris
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.offers.enums import DeviceStatus
from tisser.offers.models import Device
from tisser.sales import boxes
from tisser.sales.enums import ReturnedDeviceFate, SaleLineKind, SaleStatus, SubscriptionStatus
from tisser.sales.models import BoxSubscription, Sale

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


# --- due dates, fees, overdue ---------------------------------------------------------------


def test_due_dates_fall_on_the_start_date_each_month_or_the_month_end(counter):
    sell_box(counter)  # 31 January 2026
    subscription = BoxSubscription.objects.get()
    dates = boxes.due_dates(subscription)
    assert len(dates) == 12
    assert dates[:4] == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 30),
    ]
    assert dates[-1] == datetime.date(2026, 12, 31)


def test_a_fee_sale_waits_at_the_counter_then_its_months_are_paid(counter):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    months = [datetime.date(2026, 1, 31), datetime.date(2026, 2, 28)]
    with clock.frozen_at(paris(2026, 3, 5)):
        sale = boxes.fee_sale_create(
            actor=counter.mediator, subscription=subscription, months=months
        )
        assert sale.status == SaleStatus.CONFIRMED
        assert sale.total_price == Decimal("20.00")
        lines = list(sale.lines.order_by("covers_month"))
        assert [line.covers_month for line in lines] == months
        assert {line.kind for line in lines} == {SaleLineKind.SUBSCRIPTION_FEE}
        schedule = boxes.schedule(subscription)
        assert [m.pending_sale_id for m in schedule[:2]] == [sale.pk, sale.pk]
        assert [m.overdue for m in schedule[:3]] == [True, False, False]  # a week's grace
        pay_confirmed(sale, actor=counter.mediator)
        schedule = boxes.schedule(subscription)
    assert [m.paid for m in schedule[:3]] == [True, True, False]
    assert [m.overdue for m in schedule[:3]] == [False, False, False]
    entry = JournalEntry.objects.get(action="box_subscription.fees_to_pay")
    assert entry.payload["months"] == ["2026-01-31", "2026-02-28"]


def test_a_month_is_sold_once(counter):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    january = datetime.date(2026, 1, 31)
    with clock.frozen_at(paris(2026, 2, 1)):
        sale = boxes.fee_sale_create(
            actor=counter.mediator, subscription=subscription, months=[january]
        )
        with pytest.raises(DomainError, match="attend déjà d'être encaissée"):
            boxes.fee_sale_create(
                actor=counter.mediator, subscription=subscription, months=[january]
            )
        pay_confirmed(sale, actor=counter.mediator)
        with pytest.raises(DomainError, match="déjà payée"):
            boxes.fee_sale_create(
                actor=counter.mediator, subscription=subscription, months=[january]
            )
        with pytest.raises(DomainError, match="n'est pas une échéance"):
            boxes.fee_sale_create(
                actor=counter.mediator,
                subscription=subscription,
                months=[datetime.date(2026, 2, 1)],
            )
    assert Sale.objects.filter(lines__subscription=subscription).count() == 1


def test_a_month_left_on_a_cancelled_sale_can_be_sold_again(counter):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    january = datetime.date(2026, 1, 31)
    with clock.frozen_at(paris(2026, 2, 1)):
        first = boxes.fee_sale_create(
            actor=counter.mediator, subscription=subscription, months=[january]
        )
        Sale.objects.filter(pk=first.pk).update(status=SaleStatus.CANCELLED)
        second = boxes.fee_sale_create(
            actor=counter.mediator, subscription=subscription, months=[january]
        )
    assert second.lines.get().covers_month == january
    assert not first.lines.exists()


def test_only_the_site_of_the_subscription_prepares_fees(counter):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    for actor in (counter.other_manager, counter.volunteer, counter.foreign_admin):
        with pytest.raises(DomainError):
            boxes.fee_sale_create(
                actor=actor, subscription=subscription, months=[datetime.date(2026, 1, 31)]
            )
    assert not Sale.objects.filter(lines__subscription=subscription).exists()


# --- end and box return -----------------------------------------------------------------------


def test_an_ended_subscription_has_no_due_date_after_its_end_and_its_box_is_to_return(counter):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    with clock.frozen_at(paris(2026, 4, 10)):
        boxes.subscription_end(
            actor=counter.mediator,
            subscription=subscription,
            on=datetime.date(2026, 4, 10),
            reason="La personne a déménagé.",
        )
        subscription.refresh_from_db()
        assert subscription.status == SubscriptionStatus.ENDED
        assert boxes.due_dates(subscription)[-1] == datetime.date(2026, 3, 31)
        assert boxes.is_box_to_return(subscription)
        with pytest.raises(DomainError, match="déjà terminé"):
            boxes.subscription_end(
                actor=counter.mediator,
                subscription=subscription,
                on=datetime.date(2026, 4, 10),
                reason="Encore.",
            )


def test_a_subscription_past_its_planned_end_has_its_box_to_return(counter):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    assert not boxes.is_box_to_return(subscription, today=datetime.date(2027, 1, 30))
    assert boxes.is_box_to_return(subscription, today=datetime.date(2027, 1, 31))


@pytest.mark.parametrize(
    "fate, status",
    [
        (ReturnedDeviceFate.TO_PROCESS, DeviceStatus.TO_PROCESS),
        (ReturnedDeviceFate.WRITTEN_OFF, DeviceStatus.NOT_REUSABLE),
    ],
)
def test_the_returned_box_comes_back_through_the_stock(counter, fate, status):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    on_hand = level(counter.site, counter.box).on_hand
    with clock.frozen_at(paris(2026, 5, 2)):
        boxes.box_return(
            actor=counter.mediator,
            subscription=subscription,
            on=datetime.date(2026, 5, 2),
            condition="Complète, avec son câble.",
            fate=fate,
        )
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CLOSED
    assert subscription.device_returned_on == datetime.date(2026, 5, 2)
    assert subscription.ended_on == datetime.date(2026, 5, 2)
    assert subscription.return_note == "Complète, avec son câble."
    assert Device.objects.get(pk=subscription.device_id).status == status
    back = 1 if fate == ReturnedDeviceFate.TO_PROCESS else 0
    assert level(counter.site, counter.box).on_hand == on_hand + back
    with clock.frozen_at(paris(2026, 5, 2)), pytest.raises(DomainError, match="déjà été rendue"):
        boxes.box_return(
            actor=counter.mediator,
            subscription=subscription,
            on=datetime.date(2026, 5, 2),
            condition="Encore.",
        )


def test_a_box_return_needs_its_condition_and_a_sensible_date(counter):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    with clock.frozen_at(paris(2026, 5, 2)):
        with pytest.raises(DomainError, match="l'état de la box"):
            boxes.box_return(
                actor=counter.mediator,
                subscription=subscription,
                on=datetime.date(2026, 5, 2),
                condition=" ",
            )
        with pytest.raises(DomainError, match="futur"):
            boxes.box_return(
                actor=counter.mediator,
                subscription=subscription,
                on=datetime.date(2026, 5, 3),
                condition="Bon état.",
            )
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert Device.objects.get(pk=subscription.device_id).status == DeviceStatus.DISTRIBUTED


# --- pages --------------------------------------------------------------------------------------


def test_the_list_filters_overdue_and_boxes_to_return(counter, login):
    sell_box(counter, at=paris(2026, 1, 31, 10))
    sell_box(counter, at=paris(2026, 3, 20, 10))
    late, recent = BoxSubscription.objects.order_by("starts_on")
    client = login(counter.mediator)
    url = reverse("sales:box_list")
    with clock.frozen_at(paris(2026, 3, 25)):
        overdue = client.get(url, {"show": "overdue"}).content.decode()
        to_return = client.get(url, {"show": "to_return"}).content.decode()
        everything = client.get(url).content.decode()
    assert f"/box/{late.pk}/" in overdue and f"/box/{recent.pk}/" not in overdue
    assert "2 mensualités en retard" in everything
    assert "Aucun abonnement ne correspond." in to_return


def test_the_list_reads_as_many_queries_for_1_or_12_subscriptions(
    counter, login, django_assert_max_num_queries
):
    receive_devices(counter.site, counter.box, 10)
    sell_box(counter)
    client = login(counter.mediator)
    url = reverse("sales:box_list")
    with django_assert_max_num_queries(25) as one:
        client.get(url, {"show": "overdue"})
    for day in range(1, 12):
        sell_box(counter, at=paris(2026, 2, day, 10))
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url, {"show": "overdue"})
    assert page.content.decode().count("en retard</span>") == 12


def test_fees_end_and_return_from_the_pages(counter, login):
    sell_box(counter)
    subscription = BoxSubscription.objects.get()
    client = login(counter.mediator)
    with clock.frozen_at(paris(2026, 3, 10)):
        detail = client.get(reverse("sales:box_detail", kwargs={"pk": subscription.pk}))
        assert "2 mensualités en retard" in detail.content.decode()
        assert JournalEntry.objects.filter(action="box_subscription.viewed").count() == 1
        fees = reverse("sales:box_fees", kwargs={"pk": subscription.pk})
        refused = client.post(fees, {"months": ["2026-02-01"]})
        assert refused.status_code == 400
        assert "rechargez la page" in refused.content.decode()
        to_pay = client.post(fees, {"months": ["2026-01-31"]})
        fee_sale = Sale.objects.get(lines__subscription=subscription)
        assert to_pay["Location"] == reverse("sales:sale_pay", kwargs={"pk": fee_sale.pk})
        assert client.get(to_pay["Location"]).status_code == 200  # the counter's payment page
        detail = client.get(reverse("sales:box_detail", kwargs={"pk": subscription.pk}))
        assert to_pay["Location"] in detail.content.decode()
        back = reverse("sales:box_return", kwargs={"pk": subscription.pk})
        assert client.post(back, {"on": "2026-03-10", "fate": "to_process"}).status_code == 400
        done = client.post(
            back, {"on": "2026-03-10", "fate": "to_process", "condition": "Bon état."}
        )
    assert done.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CLOSED


def test_a_closed_subscription_still_owes_its_unpaid_months(counter, login):
    sell_box(counter, at=paris(2026, 1, 31, 10))
    subscription = BoxSubscription.objects.get()
    with clock.frozen_at(paris(2026, 3, 20)):
        boxes.box_return(
            actor=counter.mediator,
            subscription=subscription,
            on=datetime.date(2026, 3, 20),
            condition="Bon état.",
        )
        page = login(counter.mediator).get(reverse("sales:box_list"), {"show": "overdue"})
    assert f"/box/{subscription.pk}/" in page.content.decode()
    assert "2 mensualités en retard" in page.content.decode()
