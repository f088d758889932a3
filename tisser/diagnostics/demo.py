"""The demo's skills diagnostics: an entry for most files, an exit for closed periods.

Each sitting is played through the real rules: a synthetic person with a true level per
domain (drawn as in the simulator of issue 13: 30 / 30 / 20 / 12 / 8 % over levels 0–4)
answers the items ``adaptive.next_item`` picks from the form, right 90 % of the time at or
below their level and otherwise at the item's guess rate; a wrong answer is sometimes
« Je ne sais pas ». Every answer is a real response to the real item, scored by the
exercise engine (``scoring.score``) and saved as an ``Answer`` of the sitting, so the
results page reads them back in words. The levels are ``adaptive.estimate`` of the answers,
as ``diagnostic_finish`` writes them.

An exit's true levels are drawn around the entry's, mostly up. The journey's person (the
first Strasbourg file opened by a referral, see ``sales.demo``) has an entry and an exit
with a visible gain. Written in bulk (a handful of inserts however many files);
deterministic: the random draws are seeded by the file number.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary, is_jobseeker
from tisser.core.clock import ManualClock
from tisser.core.clock import now as clock_now
from tisser.diagnostics import adaptive, framework
from tisser.diagnostics.enums import LEVEL_MAX, DiagnosticKind, DiagnosticMode, DiagnosticStatus
from tisser.diagnostics.models import Diagnostic, DiagnosticResult
from tisser.exercises import scoring
from tisser.exercises.content import Item
from tisser.exercises.enums import ContextKind
from tisser.exercises.examples import right_response, wrong_response
from tisser.exercises.models import Answer
from tisser.exercises.services import item_version_for

# One file in this many has no diagnostic (it was not offered, or the person declined).
SKIP_ONE_IN = 6
# One sitting in this many was taken alone on the person's phone; the others with a mediator.
ALONE_ONE_IN = 4
TRUE_LEVEL_WEIGHTS = (30, 30, 20, 12, 8)
RIGHT_AT_LEVEL = 0.9
# Exit = entry + this gain, drawn with these weights (mostly up, rarely down).
GAINS = ((-1, 5), (0, 25), (1, 45), (2, 25))
DONT_KNOW_SHARE = 0.3
SECONDS_PER_ITEM = 55
# The journey's person: low at entry, a visible gain at exit.
JOURNEY_ENTRY = {"appareil": 1, "informations": 1, "communiquer": 0, "demarches": 0, "securite": 1}
JOURNEY_GAIN = {"appareil": 2, "informations": 1, "communiquer": 2, "demarches": 2, "securite": 2}
JOURNEY_EXIT_DAYS_AGO = 3


@dataclass
class DemoDiagnosticsResult:
    entries: int
    exits: int
    answers: int
    journey_file: str = ""


@dataclass(frozen=True)
class _Given:
    response: dict
    score: Decimal
    correct: bool


def _answer(item: Item, wanted: bool, rng: random.Random) -> _Given:
    """A response that is right (or wrong) as wanted, scored by the engine; a wrong one is
    sometimes « Je ne sais pas ». The engine's verdict is what is kept."""
    if not wanted and rng.random() < DONT_KNOW_SHARE:
        return _Given({"dont_know": True}, scoring.ZERO, False)
    response = right_response(item) if wanted else wrong_response(item)
    try:
        if response is None:
            raise scoring.InvalidResponse("no such response")
        result = scoring.score(item.definition, response)
    except scoring.InvalidResponse:
        return _Given({"dont_know": True}, scoring.ZERO, False)
    return _Given(response, result.score, result.correct)


# --- one sitting ----------------------------------------------------------------------------


@dataclass
class _Sitting:
    diagnostic: Diagnostic
    answers: list[tuple[Item, _Given, datetime.datetime]]
    levels: dict[str, int]


def _true_levels(rng: random.Random, domains: list[str]) -> dict[str, int]:
    return {
        code: rng.choices(range(LEVEL_MAX + 1), weights=TRUE_LEVEL_WEIGHTS)[0] for code in domains
    }


def _progressed(rng: random.Random, entry: dict[str, int]) -> dict[str, int]:
    steps, weights = zip(*GAINS, strict=True)
    return {
        code: max(0, min(LEVEL_MAX, level + rng.choices(steps, weights=weights)[0]))
        for code, level in entry.items()
    }


def _play(
    *,
    bank: adaptive.ItemBank,
    items: dict[str, Item],
    domains: list[str],
    truth: dict[str, int],
    rng: random.Random,
    started_at: datetime.datetime,
    exact: bool = False,
):
    """Play one sitting; ``exact``: right exactly at or below the true level (the journey's
    person, so that their levels are the true ones)."""
    history: list[adaptive.Response] = []
    answers = []
    while (chosen := adaptive.next_item(bank, domains, history)) is not None:
        item = items[chosen.key]
        at_level = chosen.level <= truth[chosen.domain]
        if exact:
            chance = 1.0 if at_level else 0.0
        else:
            chance = RIGHT_AT_LEVEL if at_level else chosen.guess_rate
        given = _answer(item, rng.random() < chance, rng)
        moment = started_at + datetime.timedelta(seconds=SECONDS_PER_ITEM * (len(history) + 1))
        answers.append((item, given, moment))
        history.append(
            adaptive.Response(chosen.key, chosen.domain, chosen.level, correct=given.correct)
        )
    return answers, adaptive.estimate(bank, domains, history)


def _moment(day: datetime.date, hour: int, minute: int, *, ceiling) -> datetime.datetime:
    moment = datetime.datetime.combine(
        day, datetime.time(hour, minute), timezone.get_current_timezone()
    )
    return min(moment, ceiling)


def _staff(network: Organisation) -> dict[int, Membership]:
    """One mediator (else manager) per site, who runs the assisted sittings (one query)."""
    rows = (
        Membership.objects.active()
        .filter(organisation__site__network=network, role__in=(Role.MEDIATOR, Role.SITE_MANAGER))
        .select_related("user")
        .order_by("role", "user__email")  # "mediator" < "site_manager"
    )
    found: dict[int, Membership] = {}
    for membership in rows:
        found.setdefault(membership.organisation_id, membership)
    return found


def seed_demo_diagnostics(
    *, network: Organisation, clock: ManualClock, journey_file: str = ""
) -> DemoDiagnosticsResult:
    clock.release()
    real_now = clock_now()
    ceiling = real_now - datetime.timedelta(hours=1)
    forms = {
        kind: (
            framework.form_bank(kind),
            {item.key: item for item in framework.form_items(kind)},
            framework.form_version(kind),
        )
        for kind in (DiagnosticKind.ENTRY, DiagnosticKind.EXIT)
    }
    all_domains = framework.domains()
    questions = framework.context_questions()
    staff = _staff(network)
    files = (
        Beneficiary.objects.active()
        .filter(site__network=network, periods__isnull=False)
        .distinct()
        .prefetch_related(
            Prefetch("periods", queryset=AccompanimentPeriod.objects.order_by("opened_on", "pk"))
        )
        .order_by("pk")
    )
    sittings: list[_Sitting] = []
    for index, file in enumerate(files):
        journey = file.file_number == journey_file
        if index % SKIP_ONE_IN == SKIP_ONE_IN - 1 and not journey:
            continue
        rng = random.Random(f"tisser-demo-diagnostic:{file.file_number}")  # noqa: S311 (demo draws)
        jobseeker = is_jobseeker(file)
        domains = [d.code for d in all_domains if jobseeker or not d.jobseekers_only]
        periods = list(file.periods.all())
        first = periods[0]
        truth = _true_levels(rng, domains)
        if journey:
            truth = {code: JOURNEY_ENTRY.get(code, 0) for code in domains}
        member = staff.get(file.site_id)
        alone = index % ALONE_ONE_IN == 0 and not journey
        entry_at = _moment(first.opened_on, 10, 30 + index % 20, ceiling=ceiling)
        if timezone.localtime(file.created_at).date() == first.opened_on:
            # A file opened that afternoon has its entry diagnostic after it, not that morning.
            entry_at = min(max(entry_at, file.created_at + datetime.timedelta(minutes=20)), ceiling)
        # The context questions of the entry, answered with the mediator (or alone).
        context = {q.code: rng.choice(q.options).code for q in questions}
        sittings.append(
            _sit(
                file,
                first,
                DiagnosticKind.ENTRY,
                forms,
                domains,
                truth,
                rng,
                entry_at,
                None if alone or member is None else member,
                journey,
            )
        )
        sittings[-1].diagnostic.context = context
        closed = [p for p in periods if p.closed_on is not None and p.pk == first.pk]
        if closed:
            exit_at = _moment(closed[0].closed_on, 14, index % 50, ceiling=ceiling)
            exit_period = closed[0]
        elif journey:
            exit_at = ceiling - datetime.timedelta(days=JOURNEY_EXIT_DAYS_AGO)
            exit_period = periods[-1]
        else:
            continue
        if exit_at <= entry_at:
            continue
        later = (
            {code: min(LEVEL_MAX, truth[code] + JOURNEY_GAIN.get(code, 1)) for code in domains}
            if journey
            else _progressed(rng, truth)
        )
        sittings.append(
            _sit(
                file,
                exit_period,
                DiagnosticKind.EXIT,
                forms,
                domains,
                later,
                rng,
                exit_at,
                None if alone or member is None else member,
                journey,
            )
        )
    return _write(sittings, journey_file=journey_file)


def _sit(file, period, kind, forms, domains, truth, rng, started_at, member, exact) -> _Sitting:
    bank, items, version = forms[kind]
    answers, levels = _play(
        bank=bank,
        items=items,
        domains=domains,
        truth=truth,
        rng=rng,
        started_at=started_at,
        exact=exact,
    )
    finished_at = answers[-1][2] if answers else started_at
    diagnostic = Diagnostic(
        beneficiary=file,
        site_id=file.site_id,
        period=period,
        kind=kind,
        mode=DiagnosticMode.ALONE if member is None else DiagnosticMode.ASSISTED,
        status=DiagnosticStatus.FINISHED,
        domains=domains,
        form_version=version,
        started_by=None if member is None else member.user,
        started_at=started_at,
        finished_at=finished_at,
        item_count=len(answers),
    )
    return _Sitting(diagnostic=diagnostic, answers=answers, levels=levels)


def _write(sittings: list[_Sitting], *, journey_file: str) -> DemoDiagnosticsResult:
    """Everything in bulk: the sittings, their levels, the item versions, the answers."""
    diagnostics = [sitting.diagnostic for sitting in sittings]
    started = [diagnostic.started_at for diagnostic in diagnostics]
    Diagnostic.objects.bulk_create(diagnostics, batch_size=500)
    # The creation time is the clock's: put back when each sitting started.
    for diagnostic, moment in zip(diagnostics, started, strict=True):
        diagnostic.started_at = moment
    Diagnostic.objects.bulk_update(diagnostics, ["started_at"], batch_size=500)
    DiagnosticResult.objects.bulk_create(
        [
            DiagnosticResult(diagnostic=sitting.diagnostic, domain=code, level=level)
            for sitting in sittings
            for code, level in sitting.levels.items()
        ],
        batch_size=1000,
    )
    versions = {}
    answers: list[Answer] = []
    moments = []
    for sitting in sittings:
        diagnostic = sitting.diagnostic
        for number, (item, given, moment) in enumerate(sitting.answers, start=1):
            if item.key not in versions:
                versions[item.key] = item_version_for(item)
            answers.append(
                Answer(
                    beneficiary_id=diagnostic.beneficiary_id,
                    item_version=versions[item.key],
                    item_key=item.key,
                    context_kind=ContextKind.DIAGNOSTIC,
                    context_id=str(diagnostic.pk),
                    idempotency_key=f"demo-diag-{diagnostic.pk}-{number}",
                    response=given.response,
                    score=given.score,
                    correct=given.correct,
                )
            )
            moments.append(moment)
    Answer.objects.bulk_create(answers, batch_size=1000)
    for answer, moment in zip(answers, moments, strict=True):
        answer.answered_at = moment
    Answer.objects.bulk_update(answers, ["answered_at"], batch_size=1000)
    by_kind: dict[str, int] = defaultdict(int)
    for diagnostic in diagnostics:
        by_kind[diagnostic.kind] += 1
    return DemoDiagnosticsResult(
        entries=by_kind[DiagnosticKind.ENTRY],
        exits=by_kind[DiagnosticKind.EXIT],
        answers=len(answers),
        journey_file=journey_file,
    )
