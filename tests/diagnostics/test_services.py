"""Sittings: start or resume, answers counted once, « Je ne sais pas », finish, periods."""

import datetime

import pytest

from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory
from tisser.accounts.enums import Role
from tisser.beneficiaries.enums import PeriodOpening
from tisser.beneficiaries.models import AccompanimentPeriod
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.diagnostics import framework
from tisser.diagnostics.enums import DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.diagnostics.services import (
    diagnostic_abandon,
    diagnostic_answer,
    diagnostic_context_save,
    diagnostic_finish,
    diagnostic_next,
    diagnostic_start,
    sitting_history,
)
from tisser.exercises.content import catalogue
from tisser.exercises.models import Answer
from tisser.exercises.scoring import InvalidResponse
from tisser.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("skills_content")]


@pytest.fixture
def person(site):
    return BeneficiaryFactory(site=site)


def start_alone(person, kind="entry"):
    return diagnostic_start(beneficiary=person, kind=kind, mode="alone")


def answer(diagnostic, *, right=True, key=None, dont_know=False, actor=None):
    item = diagnostic_next(diagnostic)
    return diagnostic_answer(
        diagnostic=diagnostic,
        item=item,
        response=None if dont_know else {"answer": right},
        idempotency_key=key or f"{item.key}-{diagnostic.pk}",
        dont_know=dont_know,
        actor=actor,
    )


def run_to_the_end(diagnostic, right=lambda item: item.level <= 2):
    count = 0
    while (item := diagnostic_next(diagnostic)) is not None:
        diagnostic_answer(
            diagnostic=diagnostic,
            item=item,
            response={"answer": right(item)},
            idempotency_key=f"k{count}",
        )
        count += 1
    return count


def test_a_learner_starts_alone_with_the_framework_domains_and_a_frozen_form(person):
    diagnostic = start_alone(person)
    assert diagnostic.status == DiagnosticStatus.IN_PROGRESS
    assert diagnostic.mode == "alone" and diagnostic.started_by is None
    assert diagnostic.domains == ["appareil", "securite"]
    assert diagnostic.form_version == framework.form_version("entry")
    assert diagnostic.site == person.site
    # The learner's own sitting is not journaled.
    assert not JournalEntry.objects.filter(action__startswith="diagnostic.").exists()


def test_the_job_search_domain_is_only_for_jobseekers(site):
    seeker = BeneficiaryFactory(site=site, is_jobseeker=True)
    long_term = BeneficiaryFactory(site=site, eligibility_criteria=["DETLD"])
    assert start_alone(seeker).domains == ["appareil", "securite", "emploi"]
    assert "emploi" in start_alone(long_term).domains
    assert "emploi" not in start_alone(BeneficiaryFactory(site=site)).domains


def test_starting_again_resumes_the_sitting_in_progress(person, mediator):
    first = start_alone(person)
    answer(first)
    again = diagnostic_start(beneficiary=person, kind="entry", mode="assisted", actor=mediator)
    assert again.pk == first.pk
    assert Diagnostic.objects.count() == 1
    # The other kind is another sitting.
    assert start_alone(person, kind="exit").pk != first.pk


def test_resuming_replays_the_answers_to_the_next_unanswered_item(person):
    diagnostic = start_alone(person)
    asked = [diagnostic_next(diagnostic).key]
    answer(diagnostic, right=True)
    asked.append(diagnostic_next(diagnostic).key)
    answer(diagnostic, right=True)
    expected = diagnostic_next(diagnostic)
    # The phone closes; later the learner comes back: a fresh object, the same next item.
    resumed = start_alone(person)
    assert resumed.pk == diagnostic.pk and resumed is not diagnostic
    following = diagnostic_next(resumed)
    assert following.key == expected.key and following.key not in asked
    # The first item of a domain is at level 1; a success climbs.
    assert catalogue()[asked[0]].level == 1 and catalogue()[asked[1]].level > 1


def test_an_answer_sent_twice_counts_once(person):
    diagnostic = start_alone(person)
    item = diagnostic_next(diagnostic)
    first = diagnostic_answer(
        diagnostic=diagnostic, item=item, response={"answer": True}, idempotency_key="page-1"
    )
    again = diagnostic_answer(
        diagnostic=diagnostic, item=item, response={"answer": False}, idempotency_key="page-1"
    )
    assert first.created and not again.created
    assert again.answer.pk == first.answer.pk and again.answer.correct
    assert Answer.objects.count() == 1
    assert sitting_history(diagnostic).count == 1


def test_an_item_that_is_not_the_current_one_is_refused(person):
    diagnostic = start_alone(person)
    item = diagnostic_next(diagnostic)
    answer(diagnostic)
    with pytest.raises(DomainError):
        diagnostic_answer(
            diagnostic=diagnostic, item=item, response={"answer": True}, idempotency_key="new"
        )
    assert Answer.objects.count() == 1


def test_dont_know_is_an_answer_that_is_not_correct(person):
    diagnostic = start_alone(person)
    recorded = answer(diagnostic, dont_know=True)
    assert recorded.answer.response == {"dont_know": True}
    assert not recorded.answer.correct
    assert recorded.answer.context_kind == "diagnostic"
    assert recorded.answer.context_id == str(diagnostic.pk)
    # After a failure the same level is asked again.
    assert diagnostic_next(diagnostic).level == 1


def test_a_response_that_does_not_fit_saves_nothing(person):
    diagnostic = start_alone(person)
    with pytest.raises(InvalidResponse):
        diagnostic_answer(
            diagnostic=diagnostic,
            item=diagnostic_next(diagnostic),
            response={"selected": ["x"]},
            idempotency_key="bad",
        )
    assert not Answer.objects.exists()


def test_finishing_writes_the_level_per_domain_and_tells_the_site_team(
    person, fake_clock, member_factory
):
    member_factory(person.site, Role.MEDIATOR)
    moment = datetime.datetime(2026, 11, 30, 10, 15, tzinfo=datetime.UTC)
    fake_clock.set(moment)
    diagnostic = start_alone(person)
    count = run_to_the_end(diagnostic)
    diagnostic.refresh_from_db()
    assert diagnostic.status == DiagnosticStatus.FINISHED
    assert diagnostic.finished_at == moment
    assert diagnostic.item_count == count
    assert {r.domain: r.level for r in diagnostic.results.all()} == {
        "appareil": 2,
        "securite": 2,
    }
    notification = Notification.objects.get()
    assert notification.template == "diagnostic_finished_alone_site"
    assert notification.recipient_kind == "site_team"
    assert notification.subject_id == diagnostic.pk


def test_finishing_twice_changes_nothing(person):
    diagnostic = start_alone(person)
    run_to_the_end(diagnostic)
    finished_at = Diagnostic.objects.get().finished_at
    diagnostic_finish(diagnostic)
    assert Diagnostic.objects.get().finished_at == finished_at
    assert diagnostic.results.count() == 2
    assert Notification.objects.count() == 1


def test_a_sitting_started_by_a_mediator_is_journaled_and_not_notified(person, mediator):
    diagnostic = diagnostic_start(beneficiary=person, kind="entry", mode="assisted", actor=mediator)
    assert diagnostic.started_by == mediator.user
    answer(diagnostic, actor=mediator)
    diagnostic_context_save(diagnostic=diagnostic, answers={"smartphone": "oui"}, actor=mediator)
    actions = list(JournalEntry.objects.values_list("action", flat=True))
    assert "diagnostic.started" in actions
    assert "diagnostic.answer_entered" in actions
    assert "diagnostic.context_saved" in actions
    run_to_the_end(diagnostic)
    assert not Notification.objects.exists()


def test_the_entry_diagnostic_alone_opens_a_period_and_journals_it(person):
    diagnostic = start_alone(person)
    period = diagnostic.period
    assert period.is_open and period.opened_by == PeriodOpening.DIAGNOSTIC
    assert period.site == person.site
    entry = JournalEntry.objects.get(action="period.opened")
    assert entry.actor is None and entry.payload["opened_by"] == "diagnostic"


def test_the_entry_diagnostic_joins_the_open_period(person, mediator):
    open_period = AccompanimentPeriodFactory(beneficiary=person, site=person.site)
    assert start_alone(person).period == open_period
    assert AccompanimentPeriod.objects.count() == 1


def test_an_assisted_entry_diagnostic_opens_the_period_in_the_mediators_name(person, mediator):
    diagnostic = diagnostic_start(beneficiary=person, kind="entry", mode="assisted", actor=mediator)
    assert diagnostic.period.opened_by == PeriodOpening.DIAGNOSTIC
    assert JournalEntry.objects.get(action="period.opened").actor == mediator.user


def test_the_exit_diagnostic_attaches_to_the_open_period_else_the_latest(person):
    older = AccompanimentPeriodFactory(
        beneficiary=person, site=person.site, closed=True, opened_on="2026-01-05"
    )
    latest = AccompanimentPeriodFactory(
        beneficiary=person, site=person.site, closed=True, opened_on="2026-06-01"
    )
    exit_diagnostic = start_alone(person, kind="exit")
    assert exit_diagnostic.period == latest != older
    assert AccompanimentPeriod.objects.count() == 2  # the exit one opens nothing

    other = BeneficiaryFactory(site=person.site)
    current = AccompanimentPeriodFactory(beneficiary=other, site=other.site)
    assert start_alone(other, kind="exit").period == current
    assert start_alone(BeneficiaryFactory(site=person.site), kind="exit").period is None


def test_staff_of_another_site_and_partners_cannot_start(person, other_site, member_factory):
    for actor in (
        member_factory(other_site, Role.MEDIATOR),
        None,
    ):
        with pytest.raises(DomainError):
            diagnostic_start(beneficiary=person, kind="entry", mode="assisted", actor=actor)
    with pytest.raises(DomainError):
        diagnostic_start(
            beneficiary=person,
            kind="entry",
            mode="alone",
            actor=member_factory(person.site, Role.MEDIATOR),
        )
    assert not Diagnostic.objects.exists()


def test_context_answers_are_checked_against_the_framework(person):
    diagnostic = start_alone(person)
    diagnostic_context_save(diagnostic=diagnostic, answers={"smartphone": "oui"})
    diagnostic_context_save(diagnostic=diagnostic, answers={"internet": "non"})
    assert Diagnostic.objects.get().context == {"smartphone": "oui", "internet": "non"}
    for wrong in ({"smartphone": "peut-etre"}, {"inconnue": "oui"}):
        with pytest.raises(DomainError):
            diagnostic_context_save(diagnostic=diagnostic, answers=wrong)
    assert Diagnostic.objects.get().context == {"smartphone": "oui", "internet": "non"}


def test_abandoning_is_for_the_team_and_ends_the_sitting(person, member_factory):
    diagnostic = start_alone(person)
    answer(diagnostic)
    with pytest.raises(DomainError):
        diagnostic_abandon(actor=member_factory(person.site, Role.VOLUNTEER), diagnostic=diagnostic)
    diagnostic_abandon(actor=member_factory(person.site, Role.MEDIATOR), diagnostic=diagnostic)
    assert diagnostic.status == DiagnosticStatus.ABANDONED and diagnostic.item_count == 1
    assert diagnostic_next(diagnostic) is None
    with pytest.raises(DomainError):
        diagnostic_finish(diagnostic)
    assert JournalEntry.objects.filter(action="diagnostic.abandoned").exists()
    # A new sitting may start.
    assert start_alone(person).pk != diagnostic.pk


def test_a_finished_sitting_takes_no_new_answer_but_a_resent_one_returns(person):
    diagnostic = DiagnosticFactory(beneficiary=person, finished=True)
    with pytest.raises(DomainError):
        diagnostic_context_save(diagnostic=diagnostic, answers={"smartphone": "oui"})
    assert diagnostic_next(diagnostic) is None


def test_the_site_teams_message_names_the_file_by_its_number_only(person, member_factory):
    from tisser.notifications.services import render

    member_factory(person.site, Role.MEDIATOR)
    diagnostic = start_alone(person)
    run_to_the_end(diagnostic)
    texts = render(Notification.objects.get())
    assert person.file_number in texts["subject"]
    assert "terminé seule son diagnostic d'entrée" in texts["body"]
    assert person.last_name not in texts["body"] and person.first_name not in texts["body"]
    assert "étoile" not in texts["body"] and "niveau" not in texts["body"]
