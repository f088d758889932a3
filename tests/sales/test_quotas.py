"""The quota engine: windows at their edges (frozen clock), households, give-backs,
overrides, amounts in face value, French reasons, constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.sales.factories import AccessRightFactory, QuotaRuleFactory
from tests.sales.helpers import buy, check, paris
from tisser.beneficiaries import services as files
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.funding.enums import OfferFamily
from tisser.sales.enums import QuotaMeasure, QuotaPer, QuotaScope, QuotaWindow
from tisser.sales.models import QuotaConsumption
from tisser.sales.quotas import Override, format_euros, quota_give_back, quota_remaining

pytestmark = pytest.mark.django_db


def _status(person, rule):
    return next(s for s in quota_remaining(beneficiary=person) if s.rule.pk == rule.pk)


# --- calendar month, amounts in face value -------------------------------------------------


def test_recharges_count_face_value_up_to_30_euros_until_the_end_of_the_month(
    team, offers, rules, fake_clock
):
    person = BeneficiaryFactory(site=team.site)
    fake_clock.set(paris(2026, 3, 31, 23, 30))
    # Three 10 € recharges sold 5 € each: 30 € of face value, not 15 € paid.
    buy(team.mediator, person, (offers.recharge10, 3))
    assert _status(person, rules["recharges"]).used == Decimal("30.00")
    with pytest.raises(DomainError) as refused:
        buy(team.mediator, person, offers.recharge5)
    assert refused.value.message == (
        "Recharges : 30 € de valeur faciale par mois : 30 € déjà utilisé ce mois-ci sur 30 € ; "
        "il reste 0 €, ce panier en demande 5 €."
    )
    fake_clock.set(paris(2026, 3, 31, 23, 59, 59))
    assert check(person, offers.recharge5)
    # Midnight in Paris (22:00 UTC): a new month, a new 30 €.
    fake_clock.set(paris(2026, 4, 1, 0, 0))
    assert check(person, offers.recharge5) == []
    buy(team.mediator, person, offers.recharge5, (offers.recharge10, 2))
    assert _status(person, rules["recharges"]).remaining == Decimal("5.00")


def test_a_basket_over_the_amount_is_refused_whole_and_nothing_is_recorded(team, offers, rules):
    person = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError):
        buy(team.mediator, person, (offers.recharge10, 3), offers.recharge5)
    assert not QuotaConsumption.objects.filter(beneficiary=person).exists()


def test_offers_outside_every_rule_are_not_limited(team, offers, rules):
    person = BeneficiaryFactory(site=team.site)
    buy(team.mediator, person, (offers.sim, 20))
    assert check(person, (offers.sim, 50)) == []


# --- rolling days ------------------------------------------------------------------------


def test_a_rolling_window_frees_the_purchase_on_the_same_day_n_days_later(
    team, network, offers, fake_clock
):
    QuotaRuleFactory(
        network=network,
        name="Une carte SIM tous les 30 jours",
        families=[OfferFamily.SIM.value],
        window=QuotaWindow.ROLLING_DAYS,
        window_length=30,
    )
    person = BeneficiaryFactory(site=team.site)
    fake_clock.set(paris(2026, 3, 2, 18, 0))
    buy(team.mediator, person, offers.sim)
    fake_clock.set(paris(2026, 3, 31, 23, 59))
    assert check(person, offers.sim) == [
        "Une carte SIM tous les 30 jours : déjà acheté le 2 mars 2026 par cette personne."
    ]
    fake_clock.set(paris(2026, 4, 1, 0, 0))
    assert check(person, offers.sim) == []


# --- years and households ------------------------------------------------------------------


def test_one_laptop_per_household_every_three_years(team, offers, rules, fake_clock):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    files.household_link(actor=team.mediator, beneficiary=first, other=second)
    fake_clock.set(paris(2025, 3, 12, 15, 0))
    buy(team.mediator, first, offers.laptop)
    fake_clock.set(paris(2028, 3, 11, 23, 59))
    with pytest.raises(DomainError) as refused:
        buy(team.mediator, second, offers.laptop)
    assert refused.value.message == (
        "Un ordinateur portable par foyer tous les 3 ans : déjà acheté le 12 mars 2025 par un "
        "membre du foyer."
    )
    fake_clock.set(paris(2028, 3, 12, 0, 0))
    buy(team.mediator, second, offers.laptop)


def test_a_smartphone_is_per_person_even_in_a_household(team, offers, rules):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    files.household_link(actor=team.mediator, beneficiary=first, other=second)
    buy(team.mediator, first, offers.smartphone)
    assert check(second, offers.smartphone) == []
    assert check(first, offers.smartphone) != []


def test_linking_two_files_makes_the_purchases_of_one_count_for_the_other(team, offers, rules):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    buy(team.mediator, first, offers.laptop)
    assert check(second, offers.laptop) == []
    files.household_link(actor=team.mediator, beneficiary=second, other=first)
    assert "par un membre du foyer" in check(second, offers.laptop)[0]


def test_leaving_the_household_does_not_take_the_household_laptop_away(team, offers, rules):
    first, second, third = (BeneficiaryFactory(site=team.site) for _ in range(3))
    files.household_link(actor=team.mediator, beneficiary=first, other=second)
    files.household_link(actor=team.mediator, beneficiary=third, other=first)
    buy(team.mediator, first, offers.laptop)
    files.household_leave(actor=team.mediator, beneficiary=first)
    # The laptop was bought for the household: it still counts for those who stay.
    assert check(second, offers.laptop) != []
    assert check(third, offers.laptop) != []


def test_merging_two_files_merges_their_purchases(team, offers, rules):
    kept, duplicate = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    buy(team.mediator, duplicate, offers.smartphone)
    assert check(kept, offers.smartphone) == []
    files.beneficiary_merge(actor=team.manager, kept=kept, duplicate=duplicate, reason="Doublon")
    assert check(kept, offers.smartphone) != []


# --- the access-right period and lifetime ----------------------------------------------


def test_an_access_right_window_starts_again_with_a_new_right(team, network, offers, fake_clock):
    QuotaRuleFactory(
        network=network,
        name="Une carte SIM par droit d'accès",
        families=[OfferFamily.SIM.value],
        window=QuotaWindow.ACCESS_RIGHT,
    )
    person = BeneficiaryFactory(site=team.site)
    fake_clock.set(paris(2026, 3, 2))
    # No right at that moment: the rule does not apply (the counter refuses the sale anyway).
    assert not _status(person, QuotaRuleFactory._meta.model.objects.get()).applies
    right = AccessRightFactory(beneficiary=person, starts_on=paris(2026, 3, 2).date())
    buy(team.mediator, person, offers.sim)
    assert check(person, offers.sim) != []
    right.is_current = False
    right.save(update_fields=["is_current"])
    fake_clock.set(paris(2026, 12, 1))
    AccessRightFactory(beneficiary=person, starts_on=paris(2026, 12, 1).date())
    assert check(person, offers.sim) == []


def test_a_lifetime_rule_on_one_offer_never_frees(team, network, offers, fake_clock):
    QuotaRuleFactory(
        network=network,
        name="Une seule carte SIM",
        scope=QuotaScope.OFFER,
        offer=offers.sim,
        families=[],
    )
    person = BeneficiaryFactory(site=team.site)
    fake_clock.set(paris(2020, 1, 1))
    buy(team.mediator, person, offers.sim)
    fake_clock.set(paris(2035, 1, 1))
    assert check(person, offers.sim) != []


# --- give back and override ----------------------------------------------------------------


def test_a_return_gives_the_quota_back_unless_the_rule_says_otherwise(team, network, offers):
    QuotaRuleFactory(
        network=network,
        name="Une recharge de 10 € par personne",
        scope=QuotaScope.OFFER,
        offer=offers.recharge10,
        families=[],
        return_gives_back=False,
    )
    person = BeneficiaryFactory(site=team.site)
    laptop_rule = QuotaRuleFactory(network=network)
    [laptop] = buy(team.mediator, person, offers.laptop)
    [recharge] = buy(team.mediator, person, offers.recharge10)
    assert quota_give_back(actor=team.mediator, consumptions=[laptop, recharge]) == 2
    assert _status(person, laptop_rule).used == 0
    assert check(person, offers.laptop) == []
    assert check(person, offers.recharge10) != []
    assert JournalEntry.objects.filter(action="quota.given_back").count() == 1
    with pytest.raises(DomainError):
        quota_give_back(actor=team.mediator, consumptions=[laptop])


def test_a_site_manager_may_override_one_sale_with_a_reason(team, offers, rules):
    person = BeneficiaryFactory(site=team.site)
    buy(team.mediator, person, offers.smartphone)
    override = Override(by=team.manager, reason="Téléphone volé, plainte déposée.")
    [line] = buy(team.mediator, person, offers.smartphone, override=override)
    assert line.overridden and line.override_by == team.manager.user
    entry = JournalEntry.objects.get(action="quota.overridden")
    assert entry.reason == "Téléphone volé, plainte déposée."
    assert entry.actor == team.manager.user
    assert entry.payload["rules"] == [rules["smartphone"].pk]
    # The overridden sale counts like any other afterwards.
    assert _status(person, rules["smartphone"]).used == 2


@pytest.mark.parametrize("who", ["mediator", "volunteer", "other_manager"])
def test_only_a_manager_of_the_site_may_override(team, offers, rules, who):
    person = BeneficiaryFactory(site=team.site)
    buy(team.mediator, person, offers.smartphone)
    with pytest.raises(DomainError):
        buy(
            team.mediator,
            person,
            offers.smartphone,
            override=Override(by=getattr(team, who), reason="Urgence"),
        )
    assert QuotaConsumption.objects.filter(beneficiary=person).count() == 1


def test_an_override_needs_a_reason(team, offers, rules):
    person = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError, match="pourquoi"):
        buy(team.mediator, person, offers.laptop, override=Override(by=team.manager, reason=" "))


def test_an_override_that_was_not_needed_is_not_recorded_as_one(team, offers, rules):
    person = BeneficiaryFactory(site=team.site)
    override = Override(by=team.manager, reason="Par précaution")
    [line] = buy(team.mediator, person, offers.laptop, override=override)
    assert not line.overridden
    assert not JournalEntry.objects.filter(action="quota.overridden").exists()


# --- who may consume, and for whom ---------------------------------------------------------


def test_a_volunteer_or_another_site_may_not_consume(team, offers, rules):
    person = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError):
        buy(team.volunteer, person, offers.laptop)
    with pytest.raises(DomainError):
        buy(team.other_manager, person, offers.laptop, site=team.other_site)
    assert not QuotaConsumption.objects.exists()


def test_consumption_records_the_household_and_journals(team, offers, rules):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    household = files.household_link(actor=team.mediator, beneficiary=first, other=second)
    [line] = buy(team.mediator, first, offers.recharge5)
    assert line.household == household
    assert line.amount == Decimal("5.00") and line.family == OfferFamily.RECHARGE
    assert JournalEntry.objects.filter(action="quota.consumed", object_id=first.pk).exists()


def test_a_rule_by_quantity_per_household_over_several_families(team, network, offers):
    QuotaRuleFactory(
        network=network,
        name="Deux équipements par foyer et par an",
        scope=QuotaScope.FAMILIES,
        families=[OfferFamily.LAPTOP.value, OfferFamily.SMARTPHONE.value],
        per=QuotaPer.HOUSEHOLD,
        window=QuotaWindow.YEARS,
        window_length=1,
        measure=QuotaMeasure.QUANTITY,
        max_quantity=2,
    )
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    files.household_link(actor=team.mediator, beneficiary=first, other=second)
    buy(team.mediator, first, offers.laptop)
    buy(team.mediator, second, offers.smartphone)
    [reason] = check(second, offers.laptop)
    assert reason.startswith("Deux équipements par foyer et par an : déjà acheté le")


def test_euros_are_written_in_french():
    assert format_euros(Decimal("30")) == "30 €"
    assert format_euros(Decimal("4.5")) == "4,50 €"


def test_what_remains_is_read_in_a_constant_number_of_queries(team, offers, rules):
    person, other = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    files.household_link(actor=team.mediator, beneficiary=person, other=other)
    buy(team.mediator, person, offers.recharge5)
    with CaptureQueriesContext(connection) as one:
        quota_remaining(beneficiary=person)
    for _ in range(4):
        buy(team.mediator, person, offers.recharge5)
    buy(team.mediator, other, offers.laptop)
    with CaptureQueriesContext(connection) as many:
        statuses = quota_remaining(beneficiary=person)
    assert len(many) == len(one) <= 5
    assert {s.rule.name: s.remaining for s in statuses}[rules["recharges"].name] == Decimal("5")
