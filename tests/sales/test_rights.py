"""Access rights: computed status, opening by a consumed referral or a decision,
suspension, closure, renewal with its decision, one current right per person, merges."""

import datetime

import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.actions import S, perform, prepare
from tests.referrals.conftest import world  # noqa: F401  (the referrals' fixture)
from tests.sales.factories import AccessRightFactory, AccessRightSettingsFactory
from tests.sales.helpers import paris
from tisser.beneficiaries import services as files
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.timeline import beneficiary_timeline
from tisser.referrals import transitions as t
from tisser.sales import services
from tisser.sales.enums import RenewalDecision, RightCloseReason, RightOpening, RightStatus
from tisser.sales.models import AccessRight
from tisser.sales.services import add_months, period_end

pytestmark = pytest.mark.django_db

D = datetime.date


# --- status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "changes", "status"),
    [
        (D(2026, 2, 28), {}, RightStatus.FUTURE),
        (D(2026, 3, 1), {}, RightStatus.ACTIVE),
        (D(2026, 11, 30), {}, RightStatus.ACTIVE),
        (D(2026, 12, 1), {}, RightStatus.EXPIRED),
        (D(2026, 5, 1), {"suspended_on": D(2026, 4, 1)}, RightStatus.SUSPENDED),
        (D(2026, 12, 1), {"suspended_on": D(2026, 4, 1)}, RightStatus.EXPIRED),
        (
            D(2026, 5, 1),
            {"closed_on": D(2026, 4, 1), "close_reason": RightCloseReason.MOVED},
            RightStatus.CLOSED,
        ),
        (
            D(2026, 3, 31),
            {"closed_on": D(2026, 4, 1), "close_reason": RightCloseReason.MOVED},
            RightStatus.ACTIVE,
        ),
    ],
)
def test_status_is_computed_from_dates_and_events(team, day, changes, status):
    right = AccessRightFactory(
        beneficiary__site=team.site, starts_on=D(2026, 3, 1), ends_on=D(2026, 11, 30), **changes
    )
    assert right.status_on(day) == status
    # The database filter says the same as the model.
    assert list(AccessRight.objects.status_on(status, day)) == [right]


def test_nine_months_end_the_day_before_the_same_date():
    assert period_end(D(2026, 3, 1), 9) == D(2026, 11, 30)
    assert period_end(D(2026, 5, 31), 9) == D(2027, 2, 27)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)


# --- opening -----------------------------------------------------------------------------


def test_a_consumed_referral_opens_a_right_of_nine_months(world):  # noqa: F811
    referral = prepare(world, S.ACCEPTED)
    perform(t.MARK_CAME, world, referral)
    referral.refresh_from_db()
    right = AccessRight.objects.get(beneficiary=referral.beneficiary)
    assert right.opened_by == RightOpening.REFERRAL
    assert right.opening_referral_id == referral.pk
    assert right.site == referral.site and right.is_current
    assert right.ends_on == period_end(right.starts_on, 9)
    assert JournalEntry.objects.filter(action="access_right.opened", object_id=right.pk).exists()


def test_a_second_referral_keeps_the_running_right(world):  # noqa: F811
    beneficiary = BeneficiaryFactory(site=world.site)
    existing = AccessRightFactory(beneficiary=beneficiary)
    referral = prepare(world, S.ACCEPTED)
    t.referral_mark_came(actor=world.manager, referral=referral, existing=beneficiary)
    assert list(AccessRight.objects.filter(beneficiary=beneficiary)) == [existing]


def test_the_network_settings_give_the_duration(team, network, fake_clock):
    AccessRightSettingsFactory(network=network, duration_months=6)
    fake_clock.set(paris(2026, 3, 2))
    person = BeneficiaryFactory(site=team.site)
    right, created = services.access_right_open_on_referral(
        actor=team.mediator, beneficiary=person, site=team.site, referral_id=7
    )
    assert created and right.ends_on == D(2026, 9, 1)


def test_a_manager_opens_a_right_by_decision_with_a_reason(team, fake_clock):
    fake_clock.set(paris(2026, 3, 2))
    person = BeneficiaryFactory(site=team.site)
    right = services.access_right_open(
        actor=team.manager,
        beneficiary=person,
        starts_on=D(2026, 3, 2),
        reason="Orientée par la CAF",
    )
    assert right.opened_by == RightOpening.DECISION
    assert right.decision_reason == "Orientée par la CAF"
    assert right.ends_on == D(2026, 12, 1)
    entry = JournalEntry.objects.get(action="access_right.opened")
    assert entry.reason == "Orientée par la CAF" and entry.actor == team.manager.user


@pytest.mark.parametrize("who", ["mediator", "volunteer", "other_manager", "funder_viewer"])
def test_only_the_file_s_managers_open_by_decision(team, who):
    person = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError):
        services.access_right_open(
            actor=getattr(team, who),
            beneficiary=person,
            starts_on=datetime.date.today(),
            reason="Motif",
        )
    assert not AccessRight.objects.exists()


def test_opening_needs_a_reason_and_a_start_within_bounds(team, fake_clock):
    fake_clock.set(paris(2026, 3, 2))
    person = BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError, match="pourquoi"):
        services.access_right_open(
            actor=team.manager, beneficiary=person, starts_on=D(2026, 3, 2), reason="  "
        )
    for day in (D(2026, 1, 1), D(2026, 7, 1)):
        with pytest.raises(DomainError):
            services.access_right_open(
                actor=team.manager, beneficiary=person, starts_on=day, reason="Motif"
            )


def test_one_running_right_per_person_then_a_new_one_after_expiry(team, fake_clock):
    fake_clock.set(paris(2026, 3, 2))
    person = BeneficiaryFactory(site=team.site)
    first = services.access_right_open(
        actor=team.manager, beneficiary=person, starts_on=D(2026, 3, 2), reason="Motif"
    )
    with pytest.raises(DomainError, match="déjà un droit"):
        services.access_right_open(
            actor=team.admin, beneficiary=person, starts_on=D(2026, 3, 2), reason="Motif"
        )
    fake_clock.set(paris(2026, 12, 2))
    second = services.access_right_open(
        actor=team.manager, beneficiary=person, starts_on=D(2026, 12, 2), reason="Nouveau besoin"
    )
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert first.status_on(D(2026, 12, 2)) == RightStatus.EXPIRED


def test_the_database_refuses_two_current_rights(team):
    from django.db import IntegrityError, transaction

    right = AccessRightFactory(beneficiary__site=team.site)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRightFactory(beneficiary=right.beneficiary)


# --- suspension and closure ----------------------------------------------------------------


def test_suspend_resume_and_close_are_journaled(team):
    right = AccessRightFactory(beneficiary__site=team.site)
    services.access_right_suspend(actor=team.manager, right=right, reason="Revente constatée")
    right.refresh_from_db()
    assert right.status_on(right.starts_on) == RightStatus.SUSPENDED
    with pytest.raises(DomainError):
        services.access_right_suspend(actor=team.manager, right=right, reason="Encore")
    services.access_right_resume(actor=team.manager, right=right)
    right.refresh_from_db()
    assert right.suspended_on is None
    services.access_right_close(
        actor=team.manager, right=right, reason=RightCloseReason.MOVED, note=""
    )
    right.refresh_from_db()
    assert right.status_on(right.closed_on) == RightStatus.CLOSED
    assert right.exit_reason() == "la personne a déménagé"
    actions = list(JournalEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["access_right.suspended", "access_right.resumed", "access_right.closed"]


def test_a_mediator_may_not_suspend_or_close(team):
    right = AccessRightFactory(beneficiary__site=team.site)
    with pytest.raises(DomainError):
        services.access_right_suspend(actor=team.mediator, right=right, reason="Motif")
    with pytest.raises(DomainError):
        services.access_right_close(actor=team.mediator, right=right, reason=RightCloseReason.MOVED)


def test_closing_with_other_needs_a_note(team):
    right = AccessRightFactory(beneficiary__site=team.site)
    with pytest.raises(DomainError, match="Précisez"):
        services.access_right_close(actor=team.manager, right=right, reason=RightCloseReason.OTHER)


def test_another_site_cannot_touch_the_right(team):
    right = AccessRightFactory(beneficiary__site=team.site)
    with pytest.raises(DomainError, match="accessible"):
        services.access_right_suspend(actor=team.other_manager, right=right, reason="Motif")


# --- renewal -----------------------------------------------------------------------------


def test_a_mediator_requests_and_the_manager_renews_once(team, fake_clock):
    fake_clock.set(paris(2026, 3, 2))
    right = AccessRightFactory(
        beneficiary__site=team.site, starts_on=D(2026, 3, 2), ends_on=D(2026, 12, 1)
    )
    renewal = services.renewal_request(actor=team.mediator, right=right, note="Formation en cours")
    with pytest.raises(DomainError, match="attend déjà"):
        services.renewal_request(actor=team.mediator, right=right, note="Encore")
    fake_clock.set(paris(2026, 11, 20))
    services.renewal_decide(actor=team.manager, renewal=renewal, accept=True)
    right.refresh_from_db()
    renewal.refresh_from_db()
    assert renewal.decision == RenewalDecision.ACCEPTED
    assert right.ends_on == D(2027, 9, 1) == renewal.new_ends_on
    assert right.renewals_used == 1
    with pytest.raises(DomainError, match="nombre de fois"):
        services.renewal_request(actor=team.mediator, right=right, note="Une troisième fois")
    events = {event.kind for event in beneficiary_timeline(right.beneficiary)}
    assert {"access_right.opened", "access_right.renewal_accepted"} <= events


def test_an_expired_right_renews_from_today(team, fake_clock):
    fake_clock.set(paris(2026, 12, 10))
    right = AccessRightFactory(
        beneficiary__site=team.site, starts_on=D(2026, 3, 1), ends_on=D(2026, 11, 30)
    )
    renewal = services.renewal_request(actor=team.manager, right=right, note="Revenu tard")
    services.renewal_decide(actor=team.manager, renewal=renewal, accept=True)
    right.refresh_from_db()
    assert right.ends_on == D(2027, 9, 9)
    assert right.status_on(D(2026, 12, 10)) == RightStatus.ACTIVE


def test_a_refusal_needs_a_reason_and_keeps_the_dates(team):
    right = AccessRightFactory(beneficiary__site=team.site)
    renewal = services.renewal_request(actor=team.mediator, right=right, note="Besoin")
    with pytest.raises(DomainError):
        services.renewal_decide(actor=team.manager, renewal=renewal, accept=False)
    with pytest.raises(DomainError):
        services.renewal_decide(actor=team.mediator, renewal=renewal, accept=True)
    services.renewal_decide(actor=team.manager, renewal=renewal, accept=False, note="Plus éligible")
    renewal.refresh_from_db()
    right.refresh_from_db()
    assert renewal.decision == RenewalDecision.REFUSED and right.renewals_used == 0
    assert JournalEntry.objects.filter(action="access_right.renewal_refused").exists()


def test_a_volunteer_may_not_request_a_renewal(team):
    right = AccessRightFactory(beneficiary__site=team.site)
    with pytest.raises(DomainError):
        services.renewal_request(actor=team.volunteer, right=right, note="Besoin")


# --- merges --------------------------------------------------------------------------------


def test_merging_two_files_with_running_rights_keeps_the_longer_one(team, fake_clock):
    fake_clock.set(paris(2026, 6, 1))
    kept = AccessRightFactory(
        beneficiary__site=team.site, starts_on=D(2026, 1, 1), ends_on=D(2026, 9, 30)
    )
    duplicate = AccessRightFactory(
        beneficiary__site=team.site, starts_on=D(2026, 5, 1), ends_on=D(2027, 1, 31)
    )
    files.beneficiary_merge(
        actor=team.manager, kept=kept.beneficiary, duplicate=duplicate.beneficiary, reason="Doublon"
    )
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.beneficiary == kept.beneficiary
    assert duplicate.is_current and not kept.is_current
    assert kept.close_reason == RightCloseReason.MERGED
