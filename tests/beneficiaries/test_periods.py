"""Accompaniment periods: opened by the service and by a consumed referral, closed with a
reason from the list, one open period at most, journaled, on the file page and timeline."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tisser.beneficiaries import services
from tisser.beneficiaries.enums import PeriodCloseReason, PeriodOpening
from tisser.beneficiaries.models import AccompanimentPeriod
from tisser.core import hooks
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.timeline import beneficiary_timeline

pytestmark = pytest.mark.django_db

NIR = "1 85 05 78 006 084 36"


def today():
    return timezone.localdate()


def open_period(team, beneficiary, **kwargs):
    kwargs.setdefault("actor", team.mediator)
    kwargs.setdefault("site", team.site)
    kwargs.setdefault("on", today())
    return services.accompaniment_period_open_if_none(beneficiary=beneficiary, **kwargs)


def test_the_service_opens_a_period_once_and_journals_it(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    period, created = open_period(team, beneficiary)
    again, created_again = open_period(team, beneficiary, actor=team.volunteer)
    assert created and not created_again
    assert again == period
    assert period.opened_by == PeriodOpening.FIRST_VISIT and period.is_open
    assert AccompanimentPeriod.objects.filter(beneficiary=beneficiary).count() == 1
    entry = JournalEntry.objects.get(action="period.opened")
    assert entry.object_id == str(period.pk) and entry.site_id == team.site.pk
    assert entry.payload["beneficiary"] == beneficiary.pk


@pytest.mark.parametrize("who", ["funder_viewer", "referrer", "other_manager", "foreign_admin"])
def test_opening_is_refused_outside_the_file_team(team, who):
    beneficiary = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError):
        open_period(team, beneficiary, actor=getattr(team, who))
    assert not AccompanimentPeriod.objects.exists()


@pytest.mark.parametrize("days", [-1, 400])
def test_opening_date_is_bounded(team, days):
    beneficiary = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError):
        open_period(team, beneficiary, on=today() - datetime.timedelta(days=days))
    assert not AccompanimentPeriod.objects.exists()


def test_the_database_refuses_a_second_open_period(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    AccompanimentPeriodFactory(site=team.site, beneficiary=beneficiary)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccompanimentPeriodFactory(site=team.site, beneficiary=beneficiary)


def test_closing_needs_a_reason_from_the_list_and_journals(team):
    period = AccompanimentPeriodFactory(site=team.site, beneficiary__site=team.site)
    with pytest.raises(DomainError):
        services.accompaniment_period_close(actor=team.mediator, period=period, reason="bored")
    with pytest.raises(DomainError):  # "other" needs a few words
        services.accompaniment_period_close(
            actor=team.mediator, period=period, reason=PeriodCloseReason.OTHER
        )
    with pytest.raises(DomainError):
        services.accompaniment_period_close(
            actor=team.mediator, period=period, reason=PeriodCloseReason.OTHER, note=NIR
        )
    period.refresh_from_db()
    assert period.is_open
    services.accompaniment_period_close(
        actor=team.mediator, period=period, reason=PeriodCloseReason.MOVED, note="Parti à Lyon"
    )
    period.refresh_from_db()
    assert period.closed_on == today() and period.close_reason == PeriodCloseReason.MOVED
    assert period.closed_by == team.mediator.user
    entry = JournalEntry.objects.get(action="period.closed")
    assert entry.payload == {
        "beneficiary": period.beneficiary_id,
        "reason": "moved",
        "automatic": False,
    }
    with pytest.raises(DomainError):
        services.accompaniment_period_close(
            actor=team.mediator, period=period, reason=PeriodCloseReason.AUTONOMOUS
        )


@pytest.mark.parametrize("who", ["volunteer", "other_manager", "referrer", "funder_viewer"])
def test_closing_is_refused_outside_the_leading_team(team, who):
    period = AccompanimentPeriodFactory(site=team.site, beneficiary__site=team.site)
    with pytest.raises(DomainError):
        services.accompaniment_period_close(
            actor=getattr(team, who), period=period, reason=PeriodCloseReason.AUTONOMOUS
        )
    period.refresh_from_db()
    assert period.is_open


def test_a_new_period_opens_after_the_previous_one_closed(team):
    beneficiary = BeneficiaryFactory(site=team.site)
    first, _ = open_period(team, beneficiary)
    services.accompaniment_period_close(
        actor=team.manager, period=first, reason=PeriodCloseReason.AUTONOMOUS
    )
    second, created = open_period(team, beneficiary)
    assert created and second != first


def test_closing_announces_period_closed(team):
    calls = []

    def subscriber(**payload):
        calls.append(payload)

    hooks.subscribe("period.closed")(subscriber)
    try:
        period = AccompanimentPeriodFactory(site=team.site, beneficiary__site=team.site)
        services.accompaniment_period_close(
            actor=team.manager, period=period, reason=PeriodCloseReason.AUTONOMOUS
        )
    finally:
        hooks.unsubscribe("period.closed", subscriber)
    assert [call["period"].pk for call in calls] == [period.pk]


def test_idle_periods_close_as_unreachable_once(team, fake_clock):
    moment = timezone.now()
    fake_clock.set(moment)
    old_day = timezone.localdate(moment) - datetime.timedelta(days=200)
    idle = AccompanimentPeriodFactory(
        site=team.site,
        beneficiary__site=team.site,
        beneficiary__last_contact_at=moment - datetime.timedelta(days=200),
        opened_on=old_day,
    )
    seen_lately = AccompanimentPeriodFactory(
        site=team.site,
        beneficiary__site=team.site,
        beneficiary__last_contact_at=moment - datetime.timedelta(days=20),
        opened_on=old_day,
    )
    assert services.accompaniment_periods_close_idle(now=moment) == 1
    assert services.accompaniment_periods_close_idle(now=moment) == 0
    idle.refresh_from_db()
    seen_lately.refresh_from_db()
    assert idle.close_reason == PeriodCloseReason.UNREACHABLE and idle.closed_by is None
    assert seen_lately.is_open
    assert JournalEntry.objects.filter(action="period.closed").count() == 1


def test_periods_show_on_the_timeline(team):
    period = AccompanimentPeriodFactory(site=team.site, beneficiary__site=team.site)
    services.accompaniment_period_close(
        actor=team.manager, period=period, reason=PeriodCloseReason.REFERRED_ELSEWHERE
    )
    kinds = [event.kind for event in beneficiary_timeline(period.beneficiary)]
    assert "period.opened" in kinds and "period.closed" in kinds


# --- pages ---------------------------------------------------------------------------------


def test_the_file_page_opens_then_closes_a_period(team, login):
    beneficiary = BeneficiaryFactory(site=team.site)
    client = login(team.mediator)
    page = client.get(beneficiary.get_absolute_url())
    assert "Aucun accompagnement en cours" in page.content.decode()
    client.post(reverse("beneficiaries:period_open", kwargs={"pk": beneficiary.pk}))
    period = AccompanimentPeriod.objects.get(beneficiary=beneficiary)
    assert period.opened_by == PeriodOpening.STAFF
    close_url = reverse("beneficiaries:period_close", kwargs={"pk": beneficiary.pk})
    refused = client.post(close_url, {"reason": "", "note": ""})
    assert refused.status_code == 400
    assert "Choisissez un motif dans la liste." in refused.content.decode()
    done = client.post(close_url, {"reason": "autonomous", "note": ""})
    assert done.status_code == 302
    period.refresh_from_db()
    assert period.close_reason == PeriodCloseReason.AUTONOMOUS
    page = client.get(beneficiary.get_absolute_url()).content.decode()
    assert "La personne est autonome" in page


def test_a_volunteer_may_not_close(team, login):
    period = AccompanimentPeriodFactory(site=team.site, beneficiary__site=team.site)
    client = login(team.volunteer)
    url = reverse("beneficiaries:period_close", kwargs={"pk": period.beneficiary_id})
    assert client.post(url, {"reason": "autonomous"}).status_code == 403
    assert "Terminer l" not in client.get(period.beneficiary.get_absolute_url()).content.decode()


def test_merging_two_files_with_open_periods_keeps_one_open(team):
    kept = BeneficiaryFactory(site=team.site)
    duplicate = BeneficiaryFactory(site=team.site)
    kept_period = AccompanimentPeriodFactory(site=team.site, beneficiary=kept)
    duplicate_period = AccompanimentPeriodFactory(site=team.site, beneficiary=duplicate)
    services.beneficiary_merge(
        actor=team.manager, kept=kept, duplicate=duplicate, reason="Même personne"
    )
    kept_period.refresh_from_db()
    duplicate_period.refresh_from_db()
    assert kept_period.is_open and kept_period.beneficiary == kept
    assert duplicate_period.beneficiary == kept
    assert duplicate_period.close_reason == PeriodCloseReason.OTHER
    assert AccompanimentPeriod.objects.open().filter(beneficiary=kept).count() == 1
