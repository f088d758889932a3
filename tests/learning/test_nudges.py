"""The reminder to a person who stopped their modules: who is due (N days per network, a
module still to do, a card, a channel that reaches them, an open file), exactly one per
week whatever how often the job runs, the mediator's button and its refusal, the journal,
the timeline, roles (decision 0053, « The nudge »)."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.learners.factories import LearnerCardFactory
from tests.learning.factories import (
    LearningSettingsFactory,
    ModuleAssignmentFactory,
    ModuleProgressFactory,
)
from tisser.accounts.enums import Role
from tisser.beneficiaries.enums import ContactChannel
from tisser.core import clock, scheduler
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.timeline import beneficiary_timeline
from tisser.learning import nudges
from tisser.learning.models import ModuleProgress
from tisser.notifications import kinds, sms
from tisser.notifications.models import Channel, OptOut
from tisser.notifications.services import notify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("modules_content")]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (runs in the PostgreSQL pass)"
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2027, 3, 22, 10, 30, tzinfo=PARIS)  # a Monday
DAY = datetime.timedelta(days=1)
MODULE = "allumer-telephone"


@pytest.fixture(autouse=True)
def _outboxes():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def job():
    return {job.name: job for job in scheduler.registered_jobs()}["learning.module_nudges"]


def learner(site, idle_days=8, *, module=MODULE, finished=False, card=True, **person):
    """A file with a learner card and one module, last touched ``idle_days`` before NOW."""
    person.setdefault("first_name", "Awa")
    person.setdefault("phone", "+33612345601")
    with clock.frozen_at(NOW - idle_days * DAY):
        beneficiary = BeneficiaryFactory(site=site, **person)
        if card:
            LearnerCardFactory(beneficiary=beneficiary)
        if module:
            ModuleProgressFactory(
                beneficiary=beneficiary,
                module_key=module,
                last_activity_at=clock.now(),
                finished_at=clock.now() if finished else None,
            )
    return beneficiary


def given(person, key, moment, **kwargs):
    with clock.frozen_at(moment):
        return ModuleAssignmentFactory(beneficiary=person, module_key=key, **kwargs)


def due(now=NOW):
    return {person.pk for person in nudges.due_for_nudge(now)}


def run(now=NOW):
    with clock.frozen_at(now):
        return nudges.send_module_nudges(now)


def run_together(targets):
    barrier = threading.Barrier(len(targets))
    results = []

    def go(target):
        try:
            barrier.wait(timeout=5)
            results.append(target())
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return results


def nudged(person):
    return list(nudges.nudges().filter(subject_id=person.pk).order_by("created_at"))


# --- who is due ------------------------------------------------------------------------------


def test_who_is_due_after_n_days_with_a_module_to_do(site, other_site):
    idle = learner(site, 8)
    just_n_days = learner(site, 7)
    came_back = learner(site, 6)
    done = learner(site, 20, finished=True)
    withdrawn = learner(site, 20)
    given(withdrawn, MODULE, NOW - 20 * DAY, withdrawn_at=NOW - 19 * DAY)
    gone_from_catalogue = learner(site, 20, module="plus-au-catalogue")
    given_never_started = learner(site, module=None)
    given(given_never_started, "creer-compte", NOW - 10 * DAY)
    given_yesterday = learner(site, module=None)
    given(given_yesterday, "creer-compte", NOW - DAY)
    without_card = learner(site, 20, card=False)
    merged = learner(site, 20, merged_into=idle)
    closed = learner(site, 20)
    AccompanimentPeriodFactory(site=site, beneficiary=closed, closed=True)
    still_followed = learner(other_site, 20)
    AccompanimentPeriodFactory(site=other_site, beneficiary=still_followed)
    AccompanimentPeriodFactory(site=other_site, beneficiary=still_followed, closed=True)

    assert due() == {idle.pk, just_n_days.pk, given_never_started.pk, still_followed.pk}
    assert {came_back.pk, done.pk, withdrawn.pk, gone_from_catalogue.pk} & due() == set()
    assert {given_yesterday.pk, without_card.pk, merged.pk, closed.pk} & due() == set()


def test_a_module_withdrawn_then_given_again_is_still_to_do(site):
    person = learner(site, 10)
    given(person, MODULE, NOW - 10 * DAY, withdrawn_at=NOW - 9 * DAY)
    given(person, MODULE, NOW - 9 * DAY)
    assert due() == {person.pk}


def test_any_step_in_any_module_counts_as_coming_back(site):
    person = learner(site, 10)
    ModuleProgressFactory(beneficiary=person, module_key="creer-compte", last_activity_at=NOW - DAY)
    assert due() == set()


def test_the_channel_rules_and_the_opt_out_are_respected(site):
    by_sms = learner(site, phone="06 12 34 56 02")
    email_when_no_mobile = learner(site, phone="01 39 98 00 03", email="lea@exemple.fr")
    prefers_email = learner(site, email="sam@exemple.fr", preferred_channel=ContactChannel.EMAIL)
    learner(site, phone="", email="")  # nothing to write to
    learner(site, preferred_channel=ContactChannel.CALL)  # the space calls, no message
    learner(site, email="x@exemple.fr", preferred_channel=ContactChannel.REFERRER)
    learner(site, phone="+33612345609")  # answered STOP
    OptOut.objects.create(channel=Channel.SMS, address="+33612345609")
    opted_out_of_email = learner(site, phone="", email="zoe@exemple.fr")
    OptOut.objects.create(channel=Channel.EMAIL, address="zoe@exemple.fr")

    assert due() == {by_sms.pk, email_when_no_mobile.pk, prefers_email.pk}
    assert opted_out_of_email.pk not in due()
    run()
    channels = dict(nudges.nudges().values_list("subject_id", "channel"))
    assert channels == {
        by_sms.pk: Channel.SMS,
        email_when_no_mobile.pk: Channel.EMAIL,
        prefers_email.pk: Channel.EMAIL,
    }


def test_the_network_chooses_after_how_many_days(site, network):
    LearningSettingsFactory(network=network, nudge_after_days=14)
    early = learner(site, 13)
    late = learner(site, 14)
    assert due() == {late.pk}
    assert early.pk in due(NOW + DAY)


# --- the messages ----------------------------------------------------------------------------


def test_the_sms_and_the_e_mail_say_only_the_first_name_and_how_to_come_back(
    site, job, django_capture_on_commit_callbacks
):
    learner(site, last_name="Diallo")
    learner(site, phone="", email="lea@exemple.fr", first_name="Léa")
    with django_capture_on_commit_callbacks(execute=True):
        result = scheduler.run_job(job, now=NOW, slot=NOW)
    assert result.error == ""
    [message] = sms.outbox
    assert message.to == "+33612345601"
    assert message.text.startswith("Bonjour Awa.\nVotre module sur Tisser vous attend.")
    assert "/apprendre/" in message.text and "répondez STOP" in message.text
    assert "Diallo" not in message.text and "téléphone" not in message.text.lower()
    assert len(message.text) <= 300, message.text
    [email] = mail.outbox
    assert email.to == ["lea@exemple.fr"]
    assert email.subject == "Votre module sur Tisser vous attend"
    assert "Bonjour Léa," in email.body and "/apprendre/" in email.body
    assert "« Mes modules »" in email.body


def test_the_kind_is_registered_with_the_notifications():
    kind = kinds.get_kind("module_nudge_person")
    assert kind.subject_type == "beneficiaries.beneficiary"
    assert kind.has_sms and kind.template == "learning/messages/module_nudge_person"


# --- at most one per week ------------------------------------------------------------------


def test_exactly_one_reminder_however_often_the_job_runs(site, job):
    person = learner(site, 8)
    first = scheduler.run_job(job, now=NOW, slot=NOW)
    again = scheduler.run_job(job, now=NOW + datetime.timedelta(hours=1), slot=NOW)
    assert first.error == again.error == ""
    for hours in (2, 5):
        run(NOW + datetime.timedelta(hours=hours))
    for days in range(1, 15):
        run(NOW + days * DAY)
    # Still away: one reminder for this absence.
    assert len(nudged(person)) == 1
    assert nudged(person)[0].event_key == f"learning.nudge:{person.pk}:2027-W12"


def test_a_person_who_came_back_and_left_again_waits_a_week_between_two(site, network):
    LearningSettingsFactory(network=network, nudge_after_days=3)
    person = learner(site, 3)
    assert run(NOW) == {"nudges": 1, "already_nudged": 0}
    # Back the next day, away again: due after 3 days, but the last one is not a week old.
    ModuleProgress.objects.filter(beneficiary=person).update(last_activity_at=NOW + DAY)
    for days in range(2, 7):
        run(NOW + days * DAY)
    assert len(nudged(person)) == 1
    run(NOW + 7 * DAY)
    assert [n.created_at for n in nudged(person)] == [NOW, NOW + 7 * DAY]


def test_a_run_that_listed_the_person_before_another_committed_queues_nothing_more(
    site, monkeypatch
):
    person = learner(site, 8)
    with clock.frozen_at(NOW):
        first = notify(
            event_key=nudges.nudge_event_key(person.pk, NOW),
            template="module_nudge_person",
            recipient_kind="person",
            subject=person,
        )
    # The racing run read the list before that reminder committed.
    monkeypatch.setattr(nudges, "due_for_nudge", lambda now: [person])
    assert run(NOW + datetime.timedelta(minutes=1)) == {"nudges": 0, "already_nudged": 1}
    assert nudged(person) == [first]


def test_the_key_is_one_per_person_and_iso_week():
    sunday_night = datetime.datetime(2027, 3, 28, 23, 30, tzinfo=PARIS)
    assert nudges.nudge_event_key(7, NOW) == "learning.nudge:7:2027-W12"
    assert nudges.nudge_event_key(7, sunday_night) == "learning.nudge:7:2027-W12"
    assert nudges.nudge_event_key(7, sunday_night + datetime.timedelta(hours=1)) == (
        "learning.nudge:7:2027-W13"
    )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_job_and_a_mediator_racing_across_a_week_boundary_queue_one(site, mediator):
    person = learner(site, 8)
    sunday_night = NOW - datetime.timedelta(minutes=5)

    def by_hand():
        with clock.frozen_at(sunday_night):
            try:
                return nudges.module_nudge_send(actor=mediator, beneficiary=person).event_key
            except DomainError:
                return "refused"

    def by_the_job():
        return run(NOW)

    results = run_together([by_hand, by_the_job, by_the_job])

    assert len(results) == 3
    assert len(nudged(person)) == 1


# --- the mediator's button ---------------------------------------------------------------------


def url(name, person):
    return reverse(f"modules:{name}", kwargs={"pk": person.pk})


def test_a_mediator_sends_a_reminder_by_hand_once_a_week_and_it_is_journaled(
    client, login, mediator, site, fake_clock
):
    person = learner(site, 2)  # not due for the job: the mediator decides
    fake_clock.set(NOW)
    login(mediator)
    page = client.get(url("person", person)).content.decode()
    assert "Dernier rappel : aucun pour l'instant." in page
    assert "Envoyer un rappel par SMS" in page

    response = client.post(url("person_nudge", person), follow=True)
    assert "Rappel envoyé par SMS" in response.content.decode()
    [notification] = nudged(person)
    assert notification.channel == Channel.SMS
    entry = JournalEntry.objects.get(action="learning.nudged")
    assert entry.object_id == str(person.pk) and entry.site_id == site.pk
    assert entry.payload == {
        "channel": "sms",
        "notification": notification.pk,
        "role": Role.MEDIATOR,
    }
    assert (
        "Dernier rappel : le 22 mars 2027 (SMS"
        in client.get(url("person", person)).content.decode()
    )

    fake_clock.set(NOW + 6 * DAY)
    refused = client.post(url("person_nudge", person), follow=True).content.decode()
    assert "Un rappel est déjà parti le 22 mars 2027 : un seul par semaine." in refused
    assert "à partir du 29 mars 2027" in refused
    assert len(nudged(person)) == 1
    assert JournalEntry.objects.filter(action="learning.nudged").count() == 1
    # Nor does the job send one in that week.
    assert run(NOW + 6 * DAY)["nudges"] == 0

    fake_clock.set(NOW + 7 * DAY)
    client.post(url("person_nudge", person))
    assert len(nudged(person)) == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"module": None}, "aucun module en cours"),
        ({"finished": True}, "aucun module en cours"),
        ({"card": False}, "pas de carte d'accès apprenant valable"),
        ({"preferred_channel": ContactChannel.CALL}, "préfère qu'on l'appelle"),
        ({"preferred_channel": ContactChannel.REFERRER}, "par son prescripteur"),
        ({"phone": "", "email": ""}, "Aucun SMS ni e-mail ne peut lui parvenir"),
        ({"phone": "+33612345609"}, "Aucun SMS ni e-mail ne peut lui parvenir"),
    ],
)
def test_the_button_refuses_what_would_reach_nobody(mediator, site, setup, message):
    OptOut.objects.create(channel=Channel.SMS, address="+33612345609")
    person = learner(site, **setup)
    with pytest.raises(DomainError, match=message):
        nudges.module_nudge_send(actor=mediator, beneficiary=person)
    assert nudged(person) == []


def test_another_site_s_team_cannot_send_it(client, login, other_site, member_factory, site):
    person = learner(site, 8)
    login(member_factory(other_site, Role.MEDIATOR))
    assert client.post(url("person_nudge", person)).status_code == 404
    assert client.get(url("person_nudge", person)).status_code in (404, 405)
    with pytest.raises(DomainError):
        nudges.module_nudge_send(
            actor=member_factory(other_site, Role.MEDIATOR), beneficiary=person
        )
    assert nudged(person) == []


def test_the_site_volunteer_and_the_network_admin_may_send_it(
    client, login, member_factory, network_admin, site
):
    person = learner(site, 8)
    login(member_factory(site, Role.VOLUNTEER))
    assert client.post(url("person_nudge", person)).status_code == 302
    assert len(nudged(person)) == 1
    by_email = learner(site, 8, phone="", email="lea@exemple.fr")
    login(network_admin)
    response = client.post(url("person_nudge", by_email), follow=True)
    assert "Rappel envoyé par e-mail (son moyen de contact)" in response.content.decode()
    assert [n.channel for n in nudged(by_email)] == [Channel.EMAIL]


# --- the timeline ------------------------------------------------------------------------------


def test_the_reminder_shows_on_the_timeline(site):
    person = learner(site, 8)
    run()
    events = [e for e in beneficiary_timeline(person) if e.kind.startswith("notification.")]
    assert [(e.title, e.detail) for e in events] == [
        ("SMS : Rappel : un module attend la personne", "À envoyer")
    ]
    assert events[0].url == url("person", person)
