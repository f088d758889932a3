"""The referral indicators on a hand-built history whose answers are known, read from the
raw records and from the roll-ups."""

import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import PartnerFactory, SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.factories import AppointmentFactory, ReferralFactory
from tests.reporting.datasets import at, split, value, values
from tisser.referrals.enums import AppointmentStatus, ReferralSource, ReferralStatus
from tisser.referrals.models import Referral, ReferralEvent
from tisser.reporting import catalogue
from tisser.reporting.enums import FacetKind
from tisser.reporting.figures import Selection

pytestmark = pytest.mark.django_db

D = datetime.date
S = ReferralStatus
CODES = [
    "referrals_received",
    "referrals_accepted",
    "people_came",
    "referral_wait_days",
    "referrals_with_appointment",
    "days_to_first_appointment",
]


def step(referral, from_status, to_status, moment):
    ReferralEvent.objects.create(
        referral=referral, from_status=from_status, to_status=to_status, at=moment
    )
    Referral.objects.filter(pk=referral.pk).update(status=to_status, status_changed_at=moment)


def referral(site, partner, *, received=None, accepted=None, appointment=None, came=None,
             person=None, moderated=False):  # fmt: skip
    """A referral taken through its history: ``received`` etc. are Paris moments."""
    if partner is None:
        found = ReferralFactory(site=site, source=ReferralSource.PUBLIC_REQUEST, partner=None,
                                referrer=None, notice_version="")  # fmt: skip
    else:
        found = ReferralFactory(site=site, partner=partner)
    if received is not None:
        if moderated:
            step(found, S.DRAFT, S.MODERATION_PENDING, received - datetime.timedelta(hours=20))
            step(found, S.MODERATION_PENDING, S.SUBMITTED, received)
        else:
            step(found, S.DRAFT, S.SUBMITTED, received)
        Referral.objects.filter(pk=found.pk).update(submitted_at=received)
    if accepted is not None:
        step(found, S.SUBMITTED, S.ACCEPTED, accepted)
        AppointmentFactory(referral=found, starts_at=appointment)
    if came is not None:
        Referral.objects.filter(pk=found.pk).update(beneficiary=person)
        step(found, S.ACCEPTED, S.CONSUMED, came)
    found.refresh_from_db()
    return found


@pytest.fixture
def history():
    """Two sites, two partners, six referrals (see each line)."""
    first = SiteFactory()
    second = SiteFactory(network=first.network)
    one, two = PartnerFactory(network=first.network), PartnerFactory(network=first.network)
    anna = BeneficiaryFactory(site=first)
    anna_again = BeneficiaryFactory(site=second, merged_into=anna)  # a merged duplicate
    bruno = BeneficiaryFactory(site=first)
    # Received, accepted, first appointment 7 days after receipt, came.
    referral(first, one, received=at(D(2026, 1, 5)), accepted=at(D(2026, 1, 6)),
             appointment=at(D(2026, 1, 12), 14), came=at(D(2026, 1, 12), 15),
             person=anna)  # fmt: skip
    # Received late on 31 January (Paris); first appointment 5 days later, rebooked, came.
    late = referral(first, two, received=at(D(2026, 1, 31), 23, 30),
                    accepted=at(D(2026, 2, 2)), appointment=at(D(2026, 2, 5), 9))  # fmt: skip
    late.appointments.update(status=AppointmentStatus.REBOOKED)
    AppointmentFactory(referral=late, starts_at=at(D(2026, 2, 20), 9))
    Referral.objects.filter(pk=late.pk).update(beneficiary=bruno)
    step(late, S.ACCEPTED, S.CONSUMED, at(D(2026, 2, 20), 10))
    # Through moderation, received at the second site; 4 days; the same person came again.
    referral(second, one, received=at(D(2026, 2, 10)), accepted=at(D(2026, 2, 11)),
             appointment=at(D(2026, 2, 14)), came=at(D(2026, 2, 14), 11),
             person=anna_again, moderated=True)  # fmt: skip
    # Received then refused.
    refused = referral(second, two, received=at(D(2026, 3, 1)))
    step(refused, S.SUBMITTED, S.REJECTED, at(D(2026, 3, 2)))
    # Refused at moderation: never reached a site.
    stopped = referral(first, one)
    step(stopped, S.DRAFT, S.MODERATION_PENDING, at(D(2026, 3, 2)))
    step(stopped, S.MODERATION_PENDING, S.MODERATION_REJECTED, at(D(2026, 3, 3)))
    # A public help request received at the first site, transferred to the second.
    moved = referral(first, None, received=at(D(2026, 3, 3)))
    step(moved, S.SUBMITTED, S.SUBMITTED, at(D(2026, 3, 4)))
    Referral.objects.filter(pk=moved.pk).update(site=second)
    return first, second, one, two


def year(site, **kwargs):
    return Selection(network_id=site.network_id, start=D(2026, 1, 1), end=D(2026, 12, 31), **kwargs)


def test_every_referral_indicator_narrows_by_partner():
    for code in CODES:
        item = catalogue.indicator(code)
        assert (item.facet_kind, item.dimension) == (FacetKind.PARTNER, "referrals")
        assert "partner" in item.filters


def test_the_known_history_gives_the_known_figures(history):
    first, _second, _one, _two = history
    assert values(year(first), CODES) == {
        "referrals_received": (5, 2),  # the moderation refusal never arrived
        "referrals_accepted": (3, 2),
        "people_came": (2, 2),  # Anna came twice (two files, merged): once
        "referral_wait_days": (16, 2),  # 7 + 5 + 4: the rebooking does not count
        "referrals_with_appointment": (3, 2),
        "days_to_first_appointment": (Decimal("5.3333"), 2),
    }


def test_a_partner_filter_narrows_every_referral_figure(history):
    first, _second, one, _two = history
    found = values(year(first, facets={FacetKind.PARTNER: frozenset({one.pk})}), CODES)
    assert {code: figure[0] for code, figure in found.items()} == {
        "referrals_received": 2,
        "referrals_accepted": 2,
        "people_came": 1,
        "referral_wait_days": 11,
        "referrals_with_appointment": 2,
        "days_to_first_appointment": Decimal("5.5000"),
    }


def test_a_partner_filter_does_not_apply_to_other_families(history):
    first, _second, one, _two = history
    from tisser.reporting import figures

    found = figures.compute(
        year(first, facets={FacetKind.PARTNER: frozenset({one.pk})}), ["people_helped"],
        source="raw",
    )  # fmt: skip
    assert not found["people_helped"].applicable


def test_split_by_site_and_by_paris_month(history):
    first, second, _one, _two = history
    # The transferred request counts once, at the site that holds it.
    assert split(year(first), "referrals_received", by="site") == {first.pk: 2, second.pk: 3}
    # 31 January 23:30 in Paris is in January.
    assert split(year(first), "referrals_received", by="month") == {
        D(2026, 1, 1): 2,
        D(2026, 2, 1): 1,
        D(2026, 3, 1): 2,
    }
    assert split(year(first), "people_came", by="site") == {first.pk: 2, second.pk: 1}
    assert split(year(first), "people_came", by="month") == {
        D(2026, 1, 1): 1,
        D(2026, 2, 1): 2,
    }


def test_period_edges_are_inclusive_paris_days(history):
    first, _second, _one, _two = history
    january_end = Selection(network_id=first.network_id, start=D(2026, 1, 6), end=D(2026, 1, 31))
    assert value(january_end, "referrals_received") == 1
    assert value(january_end, "referrals_accepted") == 1
    assert value(january_end, "people_came") == 1
    one_day = Selection(network_id=first.network_id, start=D(2026, 1, 31), end=D(2026, 1, 31))
    assert value(one_day, "referrals_received") == 1


def test_erasing_names_contacts_and_free_text_changes_no_figure(history):
    """What an anonymisation erases is never read (the service itself is tested by MARKS)."""
    from tisser.beneficiaries.models import Beneficiary

    first, _second, _one, _two = history
    before = values(year(first), CODES)
    Referral.objects.update(
        first_name="Anonyme", last_name="", phone="", email="", reason="", commune=""
    )
    Beneficiary.objects.update(
        first_name="Anonyme", last_name="", phone="", email="", search_key=""
    )
    ReferralEvent.objects.update(note="")
    assert values(year(first), CODES) == before
