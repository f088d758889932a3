"""The demo's skills diagnostics (issue 13), read from the shared ``ci`` demo: entries for
most files, exits for closed periods with realistic progress, real answers behind every
level, and the journey's person with a visible gain."""

import pytest
from django.urls import reverse

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership
from tisser.beneficiaries.models import Beneficiary
from tisser.diagnostics import adaptive, framework, reporting, services
from tisser.diagnostics.enums import DiagnosticKind, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic
from tisser.diagnostics.results import diagnostic_results
from tisser.exercises import scoring
from tisser.exercises.models import Answer

pytestmark = pytest.mark.django_db


def test_most_files_have_an_entry_and_closed_periods_an_exit(demo_ci):
    result = demo_ci.diagnostics
    # The training demo's jobseekers sit theirs at their programme's first and last sessions.
    own = Diagnostic.objects.exclude(beneficiary__file_number__in=demo_ci.training.new_files)
    entries = own.filter(kind=DiagnosticKind.ENTRY)
    exits = own.filter(kind=DiagnosticKind.EXIT)
    assert (result.entries, result.exits) == (entries.count(), exits.count())
    files = Beneficiary.objects.active().exclude(file_number__in=demo_ci.training.new_files).count()
    assert entries.values("beneficiary").distinct().count() >= 0.6 * files
    assert exits.count() >= 2
    assert not Diagnostic.objects.exclude(status=DiagnosticStatus.FINISHED).exists()
    questions = {q.code: {o.code for o in q.options} for q in framework.context_questions()}
    for entry in entries:
        assert set(entry.context) == set(questions)
        assert all(code in questions[key] for key, code in entry.context.items())
    for exit_ in exits.select_related("period", "beneficiary"):
        entry = entries.get(beneficiary=exit_.beneficiary_id)
        assert entry.period_id == exit_.period_id
        assert entry.finished_at < exit_.finished_at
        if exit_.beneficiary.file_number != result.journey_file:
            assert exit_.period.closed_on is not None


def test_every_level_comes_from_the_sittings_real_answers(demo_ci):
    answers = Answer.objects.filter(context_kind="diagnostic").select_related("item_version")
    training = answers.filter(beneficiary__file_number__in=demo_ci.training.new_files)
    assert answers.count() - training.count() == demo_ci.diagnostics.answers > 0
    by_sitting: dict[str, list] = {}
    for answer in answers.order_by("answered_at", "pk"):
        by_sitting.setdefault(answer.context_id, []).append(answer)
        if answer.response.get("dont_know"):
            assert not answer.correct
        else:
            verdict = scoring.score(answer.item_version.definition, answer.response)
            assert verdict.correct == answer.correct
    for diagnostic in Diagnostic.objects.prefetch_related("results"):
        # What diagnostic_finish would write from these answers.
        history = services.sitting_history(diagnostic)
        assert diagnostic.item_count == history.count == len(by_sitting[str(diagnostic.pk)])
        expected = adaptive.estimate(history.bank, diagnostic.domains, history.responses)
        assert {r.domain: r.level for r in diagnostic.results.all()} == expected


def test_progress_between_entry_and_exit_is_mostly_up(demo_ci):
    scope = reporting.FigureScope(network_id=demo_ci.network.network.pk)
    found = reporting.gains(scope=scope)
    assert found
    assert sum(g.total_gain for g in found.values()) > 0
    assert sum(g.up for g in found.values()) >= sum(g.down for g in found.values())


def test_the_journey_person_has_an_entry_and_an_exit_with_a_visible_gain(demo_ci, login):
    person = Beneficiary.objects.get(file_number=demo_ci.diagnostics.journey_file)
    exit_ = Diagnostic.objects.get(beneficiary=person, kind=DiagnosticKind.EXIT)
    comparison = diagnostic_results(exit_).comparison
    assert comparison is not None
    assert [c.direction for c in comparison.changes].count("up") >= 1
    mediator = Membership.objects.filter(organisation=person.site, role=Role.MEDIATOR).first()
    page = login(mediator).get(reverse("diagnostics:results", kwargs={"pk": exit_.pk}))
    assert page.status_code == 200
    assert "En progrès" in page.content.decode()


def test_no_demo_diagnostic_starts_before_its_file_was_opened(demo_ci):
    early = [
        diagnostic.beneficiary.file_number
        for diagnostic in Diagnostic.objects.select_related("beneficiary")
        if diagnostic.started_at < diagnostic.beneficiary.created_at
    ]
    assert early == []
