"""The referrals, appointments and messages of a file appear on its timeline, in constant
queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.referrals.actions import S, perform, prepare
from tisser.core.timeline import beneficiary_timeline
from tisser.referrals import transitions as t
from tisser.referrals.timeline_events import timeline_events


def test_a_consumed_referral_is_on_the_file_timeline(world):
    referral = prepare(world, S.SUBMITTED)
    first = perform(t.ACCEPT, world, referral)
    perform(t.MARK_NO_SHOW, world, referral)
    second = perform(t.REBOOK, world, referral)
    perform(t.MARK_CAME, world, referral)
    referral.refresh_from_db()

    events = timeline_events(referral.beneficiary)
    kinds = [event.kind for event in events]
    assert kinds[:5] == [
        "referral.submitted",
        "referral.accepted",
        "referral.accepted",
        "referral.accepted",
        "referral.consumed",
    ]
    assert [e.title for e in events[2:4]] == [
        "Personne absente au rendez-vous",
        "Rendez-vous déplacé",
    ]
    assert all(e.url == f"/espace-pro/orientations/{referral.pk}/" for e in events)
    assert events[0].detail == f"{referral.reference} — {world.partner.name}"
    appointments = {e.kind: e for e in events if e.kind.startswith("appointment.")}
    assert set(appointments) == {"appointment.no_show", "appointment.came"}
    assert appointments["appointment.no_show"].at == first.starts_at
    assert appointments["appointment.came"].at == second.starts_at
    assert "venu" in appointments["appointment.came"].title
    # The registry picks the provider up: the file's full timeline holds these events.
    assert {"referral.consumed", "appointment.came"} <= {
        e.kind for e in beneficiary_timeline(referral.beneficiary)
    }


def test_the_provider_runs_four_queries_whatever_the_number_of_referrals(world):
    first = prepare(world, S.ACCEPTED)
    perform(t.MARK_CAME, world, first)
    first.refresh_from_db()
    file = first.beneficiary
    with CaptureQueriesContext(connection) as one:
        assert len(timeline_events(file)) >= 2
    for _index in range(5):
        again = prepare(world, S.ACCEPTED)
        perform(t.MARK_CAME, world, again, existing=file)
    with CaptureQueriesContext(connection) as six:
        events = timeline_events(file)
    # History rows, appointments, needs and motive, messages.
    assert len(one.captured_queries) == len(six.captured_queries) == 4
    assert sum(e.kind == "referral.consumed" for e in events) == 6


def test_each_file_shows_only_its_own_referrals(world):
    mine, theirs = prepare(world, S.ACCEPTED), prepare(world, S.ACCEPTED)
    for referral in (mine, theirs):
        perform(t.MARK_CAME, world, referral)
        referral.refresh_from_db()
    events = timeline_events(mine.beneficiary)
    details = {
        e.detail for e in events if e.kind.startswith("referral.") and e.kind != "referral.needs"
    }
    assert details == {f"{mine.reference} — {world.partner.name}"}
    assert [e.url for e in events if e.kind == "referral.needs"] == [mine.get_absolute_url()]


def test_an_appointment_booked_from_the_file_is_on_its_timeline(world):
    from tests.beneficiaries.factories import BeneficiaryFactory
    from tests.referrals.factories import AppointmentFactory

    file = BeneficiaryFactory(site=world.site)
    AppointmentFactory(site=world.site, beneficiary=file, reason="Dossier CAF", place="")
    [event] = [e for e in timeline_events(file) if e.kind.startswith("appointment.")]
    assert event.title.endswith(": prévu")
    assert (event.detail, event.url) == ("Dossier CAF", "")


def test_the_referrers_needs_and_motive_follow_into_the_file(world):
    referral = prepare(
        world, S.ACCEPTED, needs=["equipment", "skills"], reason="Veut écrire à la CAF"
    )
    perform(t.MARK_CAME, world, referral)
    referral.refresh_from_db()
    needs = [e for e in beneficiary_timeline(referral.beneficiary) if e.kind == "referral.needs"]
    assert len(needs) == 1
    assert needs[0].detail == (
        "Besoins : Équipement (téléphone, ordinateur), Apprendre à utiliser le numérique"
        " — Motif : Veut écrire à la CAF"
    )
