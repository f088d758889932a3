"""The counter benchmark: its flow sells through the real pages, and its report."""

import datetime

import pytest

from benchmarks import bench_counter
from benchmarks.generate import create_session
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.offers.stock_helpers import make_crew, receive_devices, receive_vouchers
from tests.sales.conftest import demo_rules
from tests.sales.factories import AccessRightFactory
from tisser.accounts.enums import Role
from tisser.offers.enums import Grade
from tisser.offers.models import Device, Voucher
from tisser.sales.enums import SaleStatus
from tisser.sales.models import Payment, QuotaConsumption, Sale


@pytest.mark.django_db(transaction=True)
def test_the_flow_sells_a_laptop_and_a_recharge_through_the_counter_pages(live_server):
    crew = make_crew()
    demo_rules(crew.network)
    receive_devices(crew.site, crew.laptop, 2, grade=Grade.A)
    receive_vouchers(crew.site, crew.recharge, 3)
    person = BeneficiaryFactory(site=crew.site)
    AccessRightFactory(beneficiary=person)
    session = create_session(email=crew.mediator.user.email, role=Role.MEDIATOR)
    total = crew.laptop.solidarity_price + crew.recharge.solidarity_price
    seller = {
        "site": crew.site.short_code,
        "laptop": crew.laptop.pk,
        "recharge": crew.recharge.pk,
        "total": f"{total:.2f}".replace(".", ","),
    }
    client = bench_counter.FlowClient(int(live_server.url.rsplit(":", 1)[1]), session)
    try:
        times = bench_counter.sale_flow(client, seller, person.pk, "A")
    finally:
        client.close()

    assert list(times) == [key for key, _label in bench_counter.STEPS]
    assert all(ms > 0 for ms in times.values())
    sale = Sale.objects.get(beneficiary=person)
    assert sale.status == SaleStatus.PAID and sale.receipt_number.startswith(seller["site"])
    assert sale.total_price == total
    assert list(Payment.objects.filter(sale=sale).values_list("method", "amount")) == [
        ("cash", total)
    ]
    assert Device.objects.filter(status="DISTRIBUE", offer=crew.laptop).count() == 1
    assert Voucher.objects.filter(status="SOLD", offer=crew.recharge).count() == 1
    assert QuotaConsumption.objects.filter(beneficiary=person).count() == 2


def test_the_report_gives_each_step_and_the_whole_sale():
    outcome = bench_counter.Outcome(seconds=10.0)
    for index in range(20):
        times = {key: 10.0 + index for key, _label in bench_counter.STEPS}
        for key, value in times.items():
            outcome.steps[key].append(value)
        outcome.sales_ms.append(sum(times.values()))
    args = type(
        "Args",
        (),
        {
            "devices": 100, "vouchers": 1000, "files": 10, "referrals": 20, "sales": 20,
            "warmup": 1, "clients": 2, "seconds": 30.0, "workers": 2, "reuse": False,
        },
    )()  # fmt: skip
    dataset = {
        "files": 10,
        "referrals": 20,
        "stock": {"devices": 100, "vouchers": 1000, "movements": 1200, "sites": 12},
        "counter": {"rights": 7, "households": 2, "quota_consumptions": 50, "quota_rules": 3},
        "generation_seconds": {"migrate": 10.0, "stock": 100.0},
    }
    lines = bench_counter.report_lines(
        outcome,
        args,
        dataset=dataset,
        db_version="PostgreSQL 15",
        started=datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC),
        seconds=60,
        load_avg="1.00, 1.00, 1.00",
    )
    text = "\n".join(lines)
    assert "benchmarks/bench_counter.py --devices 100 --vouchers 1000" in text
    assert "Sales measured: 20, 2.00 sales/s." in text
    assert "| The person's counter page (right, quotas, offers in stock) | 19.5 | 28.0 |" in text
    assert "| **Whole sale** | **117.0** | **168.0** (target met: yes) |" in text
    assert "total 110 s" in text
