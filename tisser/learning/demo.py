"""The demo's self-paced modules: progress for many learners, a mediator's assignments, a
group in Strasbourg, and the journey's person.

- About seven files in ten have worked on one to three modules, started some days after the
  file was opened: most finished, some in progress, a few steps answered only after three
  misses; half of them were given their modules by their space's mediator the day before.
- A Strasbourg mediator formed « Atelier du mardi » with six people of the space and gave
  it two modules two weeks ago: one member finished, one stopped for more than 14 days, one
  was shown an answer (the group's follow-up shows who is stuck).
- The journey's person (the first Strasbourg file opened by a referral, ``sales.demo``) was
  given the modules their last diagnostic suggests (the learner path's rule: domains below
  autonomy, lowest first; the catalogue's first ones without a diagnostic): one finished,
  one in progress with a step whose answer was shown.

Progress and step results are written in bulk; the group and the journey's assignments
go through the services (journaled as a mediator's acts). Deterministic: draws are
seeded by the file number. An empty catalogue writes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from tisser.accounts.demo import STRASBOURG_SITE
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership, Organisation
from tisser.beneficiaries.models import Beneficiary
from tisser.core.clock import ManualClock
from tisser.core.clock import now as clock_now
from tisser.learning import assignments, content
from tisser.learning.enums import MISSES_BEFORE_ANSWER, StepKind, StepOutcome
from tisser.learning.models import ModuleAssignment, ModuleProgress, StepResult
from tisser.learning.selectors import suggested_modules

LEARNER_SHARE = 0.7
FINISHED_SHARE = 0.65
SHOWN_SHARE = 0.07
MISSED_SHARE = 0.2
ASSIGNED_SHARE = 0.5
SECONDS_PER_STEP = (35, 110)
GROUP_NAME = "Atelier du mardi"
GROUP_SIZE = 6
GROUP_DAYS_AGO = 14


@dataclass
class DemoLearningResult:
    progress: int = 0
    steps: int = 0
    assignments: int = 0
    groups: int = 0
    journey_modules: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """One progress to write, with its step results."""

    person: int
    module: content.Module
    started: datetime.datetime
    results: list[tuple[str, str, int, datetime.datetime]]  # step, outcome, misses, at
    finished: bool
    seconds: int = 0

    @property
    def last(self) -> datetime.datetime:
        return self.results[-1][3] if self.results else self.started


def _play(
    rng: random.Random,
    module: content.Module,
    started: datetime.datetime,
    *,
    steps_done: int,
    shown_step: str = "",
) -> tuple[list, int]:
    """The first ``steps_done`` steps of the module, one after the other, and the seconds."""
    moment, seconds, results = started, 0, []
    for step in module.steps[:steps_done]:
        spent = rng.randint(*SECONDS_PER_STEP)
        moment += datetime.timedelta(seconds=spent)
        seconds += spent
        if step.kind != StepKind.EXERCISE:
            results.append((step.key, StepOutcome.READ, 0, moment))
        elif step.key == shown_step or (not shown_step and rng.random() < SHOWN_SHARE):
            results.append((step.key, StepOutcome.SHOWN, MISSES_BEFORE_ANSWER, moment))
        else:
            misses = rng.choice((1, 1, 2)) if rng.random() < MISSED_SHARE else 0
            results.append((step.key, StepOutcome.DONE, misses, moment))
    return results, seconds


def _mediators(network: Organisation) -> dict[int, Membership]:
    """One mediator (else manager) per site of the network, in one query."""
    found: dict[int, Membership] = {}
    rows = (
        Membership.objects.active()
        .filter(organisation__site__network=network, role__in=(Role.MEDIATOR, Role.SITE_MANAGER))
        .select_related("user")
        .order_by("role", "user__email")  # "mediator" < "site_manager"
    )
    for membership in rows:
        found.setdefault(membership.organisation_id, membership)
    return found


def _write(plans: list[_Plan], clock: ManualClock) -> tuple[int, int]:
    """Bulk-write the progress and step results (the start saved, then set to its moment)."""
    if not plans:
        return 0, 0
    clock.move_to(min(plan.started for plan in plans))
    rows = []
    for plan in plans:
        done = {step for step, *_ in plan.results}
        following = next((s.key for s in plan.module.steps if s.key not in done), "")
        rows.append(
            ModuleProgress(
                beneficiary_id=plan.person,
                module_key=plan.module.key,
                module_version=plan.module.version,
                current_step="" if plan.finished else following,
                last_activity_at=plan.last,
                finished_at=plan.last if plan.finished else None,
                seconds_spent=plan.seconds,
            )
        )
    created = ModuleProgress.objects.bulk_create(rows, batch_size=1000)
    for row, plan in zip(created, plans, strict=True):
        row.started_at = plan.started
    ModuleProgress.objects.bulk_update(created, ["started_at"], batch_size=500)
    clock.release()
    results = [
        StepResult(
            progress_id=row.pk, step_id=step, outcome=outcome, misses=misses, completed_at=at
        )
        for row, plan in zip(created, plans, strict=True)
        for step, outcome, misses, at in plan.results
    ]
    StepResult.objects.bulk_create(results, batch_size=2000)
    return len(created), len(results)


def _plan(rng, person: int, module, started, *, finished: bool, shown_step: str = "") -> _Plan:
    steps = len(module.steps) if finished else rng.randint(1, max(1, len(module.steps) - 1))
    if shown_step:
        keys = [step.key for step in module.steps]
        steps = max(steps, keys.index(shown_step) + 1) if not finished else steps
    results, seconds = _play(rng, module, started, steps_done=steps, shown_step=shown_step)
    return _Plan(person, module, started, results, finished, seconds)


def _recommended(person: Beneficiary, catalogue) -> list[content.Module]:
    """What the person's last finished diagnostic suggests on their path
    (``selectors.suggested_modules``); the catalogue's first ones without a diagnostic."""
    found = suggested_modules(learner=person, excluded=set())
    for module in catalogue:
        if len(found) >= 2:
            break
        if module not in found:
            found.append(module)
    return found[:3]


def seed_demo_learning(
    *, network: Organisation, clock: ManualClock, journey_file: str = ""
) -> DemoLearningResult:
    result = DemoLearningResult()
    catalogue = content.modules()
    if not catalogue:
        return result
    clock.release()
    now = clock_now()
    mediators = _mediators(network)
    files = list(
        Beneficiary.objects.active()
        .filter(site__network=network)
        .select_related("site")
        .only("pk", "site_id", "site__name", "file_number", "created_at", "first_name")
        .order_by("pk")
    )
    journey = next((f for f in files if f.file_number == journey_file), None)
    strasbourg = [f for f in files if f.site.name == STRASBOURG_SITE and f is not journey]
    group_people = strasbourg[:GROUP_SIZE]
    skip = {f.pk for f in group_people} | ({journey.pk} if journey else set())

    # --- many learners, in bulk -------------------------------------------------------
    plans: list[_Plan] = []
    given: list[tuple[int, str, datetime.datetime, int]] = []
    for person in files:
        rng = random.Random(f"learning-demo:{person.file_number}")  # noqa: S311 (demo draws)
        if person.pk in skip or rng.random() >= LEARNER_SHARE:
            continue
        chosen = sorted(
            rng.sample(range(len(catalogue)), min(len(catalogue), rng.choice((1, 1, 2, 3))))
        )
        # Some days after the file was opened, within the first half of its life.
        delay = datetime.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
        start = person.created_at + min(delay, (now - person.created_at) / 2)
        assigned = rng.random() < ASSIGNED_SHARE and person.site_id in mediators
        for position, index in enumerate(chosen):
            if start > now - datetime.timedelta(hours=2):
                break
            finished = rng.random() < FINISHED_SHARE
            plan = _plan(rng, person.pk, catalogue[index], start, finished=finished)
            if plan.last > now:
                break
            plans.append(plan)
            if assigned:
                given.append(
                    (person.pk, plan.module.key, start - datetime.timedelta(days=1), position)
                )
            start = plan.last + datetime.timedelta(days=rng.randint(2, 12))
    # The mediator's assignments, each on its day (bulk, one insert per day).
    by_day: dict[datetime.date, list[tuple]] = {}
    for row in given:
        by_day.setdefault(row[2].date(), []).append(row)
    site_of = {f.pk: f.site_id for f in files}
    for day in sorted(by_day):
        rows = by_day[day]
        clock.move_to(min(moment for _, _, moment, _ in rows))
        ModuleAssignment.objects.bulk_create(
            ModuleAssignment(
                beneficiary_id=person_pk,
                module_key=key,
                position=position,
                assigned_by=mediators[site_of[person_pk]].user,
            )
            for person_pk, key, _moment, position in rows
        )
        result.assignments += len(rows)
    clock.release()

    # --- the group in Strasbourg ------------------------------------------------------
    mediator = mediators.get(group_people[0].site_id) if group_people else None
    group_plans: list[_Plan] = []
    if mediator is not None and len(group_people) >= 3:
        clock.move_to(now - datetime.timedelta(days=GROUP_DAYS_AGO + 1))
        group = assignments.group_create(actor=mediator, name=GROUP_NAME)
        for person in group_people:
            assignments.group_member_add(actor=mediator, group=group, beneficiary_id=person.pk)
        clock.move_to(now - datetime.timedelta(days=GROUP_DAYS_AGO))
        keys = [m.key for m in catalogue[:2]]
        result.assignments += len(
            assignments.group_assign(actor=mediator, group=group, module_keys=keys)
        )
        clock.release()
        result.groups = 1
        first = catalogue[0]
        exercise = next((s.key for s in first.steps if s.kind == StepKind.EXERCISE), "")
        for index, person in enumerate(group_people):
            rng = random.Random(f"learning-group:{person.file_number}")  # noqa: S311 (demo draws)
            start = now - datetime.timedelta(days=GROUP_DAYS_AGO - 1, hours=index)
            kind = index % 3
            if kind == 0:  # finished the first module
                group_plans.append(_plan(rng, person.pk, first, start, finished=True))
            elif kind == 1:  # started, then no activity for more than 14 days
                idle = now - datetime.timedelta(days=GROUP_DAYS_AGO + 6)
                group_plans.append(_plan(rng, person.pk, first, idle, finished=False))
            else:  # an answer shown after three misses, still on it
                group_plans.append(
                    _plan(rng, person.pk, first, start, finished=False, shown_step=exercise)
                )

    # --- the journey's person -----------------------------------------------------------
    journey_plans: list[_Plan] = []
    journey_mediator = mediators.get(journey.site_id) if journey else None
    if journey is not None and journey_mediator is not None:
        recommended = _recommended(journey, catalogue)
        clock.move_to(now - datetime.timedelta(days=10))
        created = assignments.module_assign(
            actor=journey_mediator,
            beneficiary=journey,
            module_keys=[m.key for m in recommended],
        )
        clock.release()
        result.assignments += len(created)
        result.journey_modules = [m.key for m in recommended]
        rng = random.Random(f"learning-journey:{journey.file_number}")  # noqa: S311 (demo draws)
        journey_plans.append(
            _plan(rng, journey.pk, recommended[0], now - datetime.timedelta(days=8), finished=True)
        )
        if len(recommended) > 1:
            second = recommended[1]
            exercise = next((s.key for s in second.steps if s.kind == StepKind.EXERCISE), "")
            journey_plans.append(
                _plan(
                    rng,
                    journey.pk,
                    second,
                    now - datetime.timedelta(days=2),
                    finished=False,
                    shown_step=exercise,
                )
            )

    result.progress, result.steps = _write(plans + group_plans + journey_plans, clock)
    return result
