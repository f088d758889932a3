"""The reminder to a person who stopped their modules (issue 14: « An SMS nudge to a person
who has not come back for N days (opt-out respected, at most one per week) »).

Who is due (``due_for_nudge``): a file not merged, whose accompaniment is not closed (an open
period, or none at all), with a usable learner card and a module still to do — an unfinished
module of the catalogue not withdrawn from their path, or a given module not finished — and
nothing since ``nudge_after_days`` days (their network's ``LearningSettings``, default 7):
no step in any module, no module given. Once per absence: a person already reminded since
their last activity is not reminded again until they come back. The message goes by the
person's channel (SMS, else e-mail; nobody who asked to be called or to be written to
through a referrer, no number nor address, or an address that opted out): nothing is queued
that nobody would receive.

At most one per week, the job's or a mediator's (``module_nudge_send``): the person's file is
locked and the last reminder must be 7 days old or more; the message's event key
``learning.nudge:<file>:<ISO week>`` is unique in the database, so two runs, a run and a
mediator, or two schedulers racing, queue one message. The reminders are ``Notification``
rows of the kind ``module_nudge_person`` about the file (notification_kinds.py): the
« Dernier rappel » of the person's page and the timeline read them.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.models import Membership
from tisser.beneficiaries.enums import ContactChannel
from tisser.beneficiaries.models import AccompanimentPeriod, Beneficiary
from tisser.core import clock
from tisser.core.dates import format_day
from tisser.core.errors import DomainError
from tisser.core.journal import record
from tisser.learners.models import LearnerCard
from tisser.learning import content
from tisser.learning.assignments import check_file
from tisser.learning.models import (
    DEFAULT_NUDGE_AFTER_DAYS,
    LearningSettings,
    ModuleAssignment,
    ModuleProgress,
)
from tisser.learning.notification_kinds import NUDGE, SUBJECT_TYPE, nudge_contact
from tisser.notifications.models import Notification, RecipientKind
from tisser.notifications.services import notify, people_reach

NUDGE_EVERY = datetime.timedelta(days=7)


def nudge_event_key(beneficiary_id: int, moment: datetime.datetime) -> str:
    """One key per person and ISO week (local time): the database's guard against a second."""
    year, week, _day = timezone.localdate(moment).isocalendar()
    return f"learning.nudge:{beneficiary_id}:{year}-W{week:02d}"


def nudges():
    """Every reminder recorded (any status), newest first."""
    return Notification.objects.filter(template=NUDGE, subject_type=SUBJECT_TYPE)


def last_nudge(beneficiary: Beneficiary) -> Notification | None:
    return nudges().filter(subject_id=beneficiary.pk).order_by("-created_at", "-pk").first()


def nudge_after_days(network_id: int | None) -> int:
    found = LearningSettings.objects.filter(network_id=network_id).first()
    return found.nudge_after_days if found else DEFAULT_NUDGE_AFTER_DAYS


# --- who has a module to do --------------------------------------------------------------------


def _module_to_do(keys: list[str]) -> Q:
    """A file with a module still to do (an ``Exists`` over the file's ``pk``): unfinished and
    not withdrawn from the path (a module withdrawn then given again counts), or given and
    not finished. Modules no longer in the catalogue do not count."""
    same_module = {"beneficiary": OuterRef("beneficiary"), "module_key": OuterRef("module_key")}
    withdrawn = ModuleAssignment.objects.filter(**same_module, withdrawn_at__isnull=False)
    given = ModuleAssignment.objects.filter(**same_module, withdrawn_at__isnull=True)
    unfinished = ModuleProgress.objects.filter(
        Q(~Exists(withdrawn)) | Q(Exists(given)),
        beneficiary=OuterRef("pk"),
        module_key__in=keys,
        finished_at__isnull=True,
    )
    finished = ModuleProgress.objects.filter(**same_module, finished_at__isnull=False)
    given_not_done = ModuleAssignment.objects.filter(
        ~Exists(finished),
        beneficiary=OuterRef("pk"),
        module_key__in=keys,
        withdrawn_at__isnull=True,
    )
    return Q(Exists(unfinished)) | Q(Exists(given_not_done))


def _latest(queryset, field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1], output_field=DateTimeField())


def _annotated(now: datetime.datetime):
    """Files with ``last_seen`` (last step, or last module given) and ``last_nudged``."""
    last_step = _latest(
        ModuleProgress.objects.filter(beneficiary=OuterRef("pk")), "last_activity_at"
    )
    last_given = _latest(
        ModuleAssignment.objects.filter(beneficiary=OuterRef("pk"), withdrawn_at__isnull=True),
        "assigned_at",
    )
    last_nudged = _latest(nudges().filter(subject_id=OuterRef("pk")), "created_at")
    card = LearnerCard.objects.usable(now).filter(beneficiary=OuterRef("pk"))
    periods = AccompanimentPeriod.objects.filter(beneficiary=OuterRef("pk"))
    open_period = periods.filter(closed_on__isnull=True)
    return (
        Beneficiary.objects.active()
        .filter(Q(Exists(open_period)) | ~Q(Exists(periods)), Exists(card))
        .annotate(
            # Greatest of two possibly empty dates, portably (SQLite's GREATEST gives NULL).
            last_seen=Greatest(
                Coalesce(last_step, last_given, output_field=DateTimeField()),
                Coalesce(last_given, last_step, output_field=DateTimeField()),
                output_field=DateTimeField(),
            ),
            last_nudged=last_nudged,
            network_id=F("site__network_id"),
        )
    )


def due_for_nudge(now: datetime.datetime) -> list[Beneficiary]:
    """The files to remind now, with the address the message would go to (see the module's
    docstring). Three queries: the settings, the files, the opt-outs."""
    days = dict(LearningSettings.objects.values_list("network_id", "nudge_after_days"))
    shortest = min([DEFAULT_NUDGE_AFTER_DAYS, *days.values()])
    keys = [found.key for found in content.modules()]
    if not keys:
        return []
    candidates = list(
        _annotated(now)
        .filter(_module_to_do(keys), last_seen__lte=now - datetime.timedelta(days=shortest))
        .filter(
            Q(last_nudged__isnull=True)
            | Q(last_nudged__lte=now - NUDGE_EVERY, last_nudged__lt=F("last_seen"))
        )
        .exclude(preferred_channel__in=(ContactChannel.CALL, ContactChannel.REFERRER))
        .select_related("site")
        .order_by("pk")
    )
    candidates = [
        person
        for person in candidates
        if person.last_seen
        <= now - datetime.timedelta(days=days.get(person.network_id, DEFAULT_NUDGE_AFTER_DAYS))
    ]
    reach = people_reach([nudge_contact(person) for person in candidates])
    return [
        person for person, (_channel, address) in zip(candidates, reach, strict=True) if address
    ]


# --- queueing ------------------------------------------------------------------------------------


def _lock(beneficiary: Beneficiary) -> Beneficiary:
    return (
        Beneficiary.objects.select_for_update(of=("self",))
        .select_related("site")
        .get(pk=beneficiary.pk)
    )


def _recent(beneficiary: Beneficiary, now: datetime.datetime) -> Notification | None:
    return (
        nudges()
        .filter(subject_id=beneficiary.pk, created_at__gt=now - NUDGE_EVERY)
        .order_by("-created_at")
        .first()
    )


def _queue(person: Beneficiary, now: datetime.datetime) -> Notification:
    return notify(
        event_key=nudge_event_key(person.pk, now),
        template=NUDGE,
        recipient_kind=RecipientKind.PERSON,
        subject=person,
        site=person.site,
    )


def send_module_nudges(now: datetime.datetime) -> dict[str, int]:
    """The daily job: queue a reminder for each file due; one short transaction each (the
    send task is queued after its commit)."""
    queued = skipped = 0
    for person in due_for_nudge(now):
        with transaction.atomic():
            locked = _lock(person)
            key = nudge_event_key(person.pk, now)
            if _recent(locked, now) or Notification.objects.filter(event_key=key).exists():
                skipped += 1  # a mediator (or another run) was quicker
                continue
            _queue(locked, now)
        queued += 1
    return {"nudges": queued, "already_nudged": skipped}


def module_to_do(beneficiary: Beneficiary) -> bool:
    keys = [found.key for found in content.modules()]
    return (
        bool(keys) and Beneficiary.objects.filter(_module_to_do(keys), pk=beneficiary.pk).exists()
    )


def module_nudge_send(*, actor: Membership, beneficiary: Beneficiary) -> Notification:
    """A mediator reminds the person by hand, from their modules page: same message, same
    weekly rule (refused if the last reminder is less than 7 days old), journaled."""
    check_file(actor, beneficiary)
    now = clock.now()
    with transaction.atomic():
        person = _lock(beneficiary)
        recent = _recent(person, now)
        if recent is not None:
            raise DomainError(
                _(
                    "Un rappel est déjà parti le %(day)s : un seul par semaine. "
                    "Vous pourrez en envoyer un autre à partir du %(next)s."
                )
                % {
                    "day": format_day(recent.created_at),
                    "next": format_day(recent.created_at + NUDGE_EVERY),
                }
            )
        if not module_to_do(person):
            raise DomainError(_("La personne n'a aucun module en cours ni à faire."))
        if not LearnerCard.objects.usable(now).filter(beneficiary=person).exists():
            raise DomainError(
                _("La personne n'a pas de carte d'accès apprenant valable : faites-la d'abord.")
            )
        if person.preferred_channel == ContactChannel.CALL:
            raise DomainError(_("La personne préfère qu'on l'appelle : appelez-la plutôt."))
        if person.preferred_channel == ContactChannel.REFERRER:
            raise DomainError(
                _("La personne reçoit ses messages par son prescripteur : pas de rappel direct.")
            )
        [(channel, address)] = people_reach([nudge_contact(person)])
        if not address:
            raise DomainError(
                _(
                    "Aucun SMS ni e-mail ne peut lui parvenir : pas de numéro de portable "
                    "ni d'e-mail, ou la personne a refusé les messages."
                )
            )
        notification = _queue(person, now)
        record(
            actor=actor.user,
            action="learning.nudged",
            obj=person,
            site=person.site_id,
            payload={"channel": channel, "notification": notification.pk, "role": actor.role},
        )
    return notification
