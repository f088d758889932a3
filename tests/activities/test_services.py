"""Recording, changing and deleting activities: the rules, the refusals, the journal."""

import datetime

import pytest
from django.utils import timezone

from tests.activities.conftest import individual, workshop
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.factories import AppointmentFactory
from tisser.activities import services
from tisser.activities.enums import THEME_BITS
from tisser.activities.models import Activity, Participation
from tisser.activities.people import age_band, appointment_person
from tisser.core import clock
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry

START = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


def journal(action):
    return list(JournalEntry.objects.filter(action=action).order_by("pk"))


# --- anonymous and identified participants ---------------------------------------------


def test_an_anonymous_visitor_is_counted_with_the_attributes_given(team):
    activity = services.activity_create(actor=team.mediator, data=individual())

    assert activity.participant_count == 1
    assert not Participation.objects.filter(activity=activity).exists()
    # What was not given is "non communiqué": every attribute adds up to one person.
    assert activity.anonymous_counts == {
        "age": {"soixante_soixante_neuf": 1},
        "status": {"non_communique": 1},
        "gender": {"feminin": 1},
    }
    assert activity.site_id == team.site.pk and activity.mediator_id == team.mediator.user_id
    [entry] = journal("activity.created")
    assert entry.payload["participants"] == 1 and entry.payload["files"] == []


def test_an_identified_person_is_linked_to_their_file(team, person):
    data = individual(participants=[person], anonymous_count=0, anonymous_counts={})
    activity = services.activity_create(actor=team.mediator, data=data)

    assert list(activity.participations.values_list("beneficiary_id", flat=True)) == [person.pk]
    assert activity.participant_count == 1 and activity.anonymous_counts == {}
    assert journal("activity.created")[0].payload["files"] == [person.pk]


def test_a_workshop_mixes_files_and_anonymous_counts(team, person):
    second = BeneficiaryFactory(site=team.site)
    activity = services.activity_create(
        actor=team.mediator, data=workshop(participants=[person, second])
    )

    assert activity.participant_count == 7
    assert activity.anonymous_counts["age"] == {
        "quarante_cinquante_neuf": 1,
        "soixante_dix_plus": 2,
        "non_communique": 2,
    }
    assert activity.anonymous_counts["status"] == {"retraite": 3, "non_communique": 2}
    assert activity.anonymous_seen_before == 2
    assert activity.participations.count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        (lambda p: individual(participants=[p]), "une personne"),
        (lambda p: individual(anonymous_count=0, anonymous_counts={}), "une personne"),
        (
            lambda p: workshop(anonymous_count=0, anonymous_counts={}, anonymous_seen_before=0),
            "au moins un participant",
        ),
        (
            lambda p: workshop(anonymous_counts={"gender": {"feminin": 6}}),
            "dépassent le nombre de participants anonymes",
        ),
        (lambda p: workshop(anonymous_seen_before=6), "déjà accompagnées"),
        (lambda p: individual(themes=[]), "au moins une thématique"),
        (lambda p: individual(themes=["cuisine"]), "Thématique inconnue : cuisine"),
        (
            lambda p: individual(procedure_themes=["logement"]),
            "qu'avec « Aide aux démarches administratives »",
        ),
        (
            lambda p: individual(themes=["aide_aux_demarches_administratives"]),
            "choisissez l'organisme",
        ),
        (lambda p: individual(place_type="domicile"), "code postal et la commune"),
        (lambda p: individual(equipment=["aucun", "telephone"]), "Pas de matériel"),
        (lambda p: individual(workshop_level="debutant"), "ateliers collectifs"),
        (lambda p: workshop(autonomy="autonome"), "accompagnements individuels"),
        (lambda p: individual(redirection_target="aide_sociale"), "a été orientée"),
        (
            lambda p: individual(date=clock.localdate() + datetime.timedelta(days=1)),
            "dans le futur",
        ),
        (
            lambda p: individual(date=clock.localdate() - datetime.timedelta(days=400)),
            "plus d'un an",
        ),
        (lambda p: individual(notes="NIR 1 84 12 75 115 423 57"), "sécurité sociale"),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(team, person, data, message):
    with pytest.raises(DomainError) as refused:
        services.activity_create(actor=team.mediator, data=data(person))
    assert message.lower() in refused.value.message.lower()
    assert not Activity.objects.exists() and not journal("activity.created")


def test_a_file_of_another_site_is_refused(team):
    elsewhere = BeneficiaryFactory(site=team.other_site)
    with pytest.raises(DomainError, match="pas un dossier de votre espace"):
        services.activity_create(
            actor=team.mediator,
            data=individual(participants=[elsewhere], anonymous_count=0, anonymous_counts={}),
        )
    assert not Activity.objects.exists()


@pytest.mark.parametrize("role", ["volunteer", "admin"])
def test_only_the_site_team_records(team, role):
    with pytest.raises(DomainError, match="médiateurs et responsables"):
        services.activity_create(actor=getattr(team, role), data=individual())


def test_help_with_a_procedure_keeps_the_operator_and_the_sub_themes(team):
    activity = services.activity_create(
        actor=team.mediator,
        data=individual(
            themes=["aide_aux_demarches_administratives", "email"],
            procedure_themes=["social_sante", "logement"],
            operator="caf",
            procedure_name="Demande de prime d'activité",
        ),
    )
    # Codes in the national order, whatever order they came in; the mask has every one.
    assert activity.themes == ["email", "aide_aux_demarches_administratives"]
    assert activity.procedure_themes == ["social_sante", "logement"]
    assert activity.operator == "caf"
    mask = THEME_BITS["email"] | THEME_BITS["aide_aux_demarches_administratives"]
    mask |= THEME_BITS["social_sante"] | THEME_BITS["logement"]
    assert activity.theme_mask == mask


def test_the_procedure_fields_are_dropped_without_the_procedure_theme(team):
    activity = services.activity_create(
        actor=team.mediator, data=individual(operator="caf", procedure_name="CAF")
    )
    assert activity.operator == "" and activity.procedure_name == ""


# --- appointments ------------------------------------------------------------------------


def test_a_record_from_an_appointment_links_it_once(team, person):
    appointment = AppointmentFactory(site=team.site)
    appointment.referral.beneficiary = person
    appointment.referral.save()
    assert appointment_person(appointment) == person

    data = individual(participants=[person], anonymous_count=0, anonymous_counts={})
    activity = services.activity_create(actor=team.mediator, data=data, appointment=appointment)
    assert activity.appointment == appointment

    with pytest.raises(DomainError, match="déjà saisie pour ce rendez-vous"):
        services.activity_create(actor=team.mediator, data=data, appointment=appointment)
    assert Activity.objects.count() == 1


def test_an_appointment_of_another_site_is_refused(team):
    appointment = AppointmentFactory(site=team.other_site)
    with pytest.raises(DomainError, match="pas un rendez-vous de votre espace"):
        services.activity_create(actor=team.mediator, data=individual(), appointment=appointment)


def test_an_appointment_without_a_file_has_no_person(team):
    assert appointment_person(AppointmentFactory(site=team.site)) is None


# --- the 7-day rule (docs/decisions/0020) ------------------------------------------------


def _recorded_at(moment, team):
    with clock.frozen_at(moment):
        return services.activity_create(actor=team.mediator, data=individual())


def test_the_author_changes_their_record_for_seven_days(team):
    activity = _recorded_at(START, team)
    just_before = START + datetime.timedelta(days=7) - datetime.timedelta(seconds=1)
    with clock.frozen_at(just_before):
        updated = services.activity_update(
            actor=team.mediator, activity=activity, data=individual(duration_minutes=45)
        )
    assert updated.duration_minutes == 45
    assert journal("activity.updated")[0].payload["participants"] == 1


def test_after_seven_days_the_author_is_refused_and_nothing_changes(team):
    activity = _recorded_at(START, team)
    with clock.frozen_at(START + datetime.timedelta(days=7)):
        assert not services.can_change(team.mediator, activity)
        with pytest.raises(DomainError, match="plus de 7 jours"):
            services.activity_update(
                actor=team.mediator, activity=activity, data=individual(duration_minutes=45)
            )
        with pytest.raises(DomainError, match="plus de 7 jours"):
            services.activity_delete(actor=team.mediator, activity=activity)
    activity.refresh_from_db()
    assert activity.duration_minutes == 30
    assert not journal("activity.updated") and not journal("activity.deleted")


def test_a_site_manager_changes_any_record_of_the_site_at_any_time(team):
    activity = _recorded_at(START, team)
    with clock.frozen_at(START + datetime.timedelta(days=300)):
        assert services.can_change(team.manager, activity)
        services.activity_update(
            actor=team.manager, activity=activity, data=individual(date=clock.localdate())
        )


def test_a_mediator_never_changes_a_colleagues_record(team):
    activity = _recorded_at(START, team)
    with clock.frozen_at(START + datetime.timedelta(hours=1)):
        assert not services.can_change(team.colleague, activity)
        with pytest.raises(DomainError, match="Seul son auteur ou un responsable"):
            services.activity_delete(actor=team.colleague, activity=activity)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_another_sites_manager_never_changes_a_record(team, member_factory):
    activity = _recorded_at(START, team)
    other_manager = member_factory(team.other_site, "site_manager")
    assert not services.can_change(other_manager, activity)


def test_deletion_is_journaled_without_the_notes(team, person):
    with clock.frozen_at(START):
        activity = services.activity_create(
            actor=team.mediator,
            data=individual(
                participants=[person],
                anonymous_count=0,
                anonymous_counts={},
                notes="A perdu son mot de passe.",
            ),
        )
    with clock.frozen_at(START + datetime.timedelta(days=1)):
        services.activity_delete(actor=team.mediator, activity=activity)
    assert not Activity.objects.exists() and not Participation.objects.exists()
    [entry] = journal("activity.deleted")
    assert entry.object_id == str(activity.pk) and entry.actor_id == team.mediator.user_id
    assert entry.payload["files"] == [person.pk]
    assert "mot de passe" not in str(entry.payload)


# --- §1.4: the age band comes from the year of birth -------------------------------------


@pytest.mark.parametrize(
    "birth_year, band",
    [
        (None, "non_communique"),
        (2015, "moins_de_douze"),
        (2014, "douze_dix_huit"),
        (2009, "douze_dix_huit"),
        (2008, "dix_huit_vingt_quatre"),
        (2001, "vingt_cinq_trente_neuf"),
        (1986, "quarante_cinquante_neuf"),
        (1966, "soixante_soixante_neuf"),
        (1956, "soixante_dix_plus"),
    ],
)
def test_age_band_from_the_year_of_birth(birth_year, band):
    assert age_band(birth_year, datetime.date(2026, 6, 1)) == band


def test_a_recorded_visit_opens_the_files_period_and_moves_its_last_contact(team, person):
    """The first visit opens the accompaniment period; a later one keeps that period."""
    from tisser.beneficiaries.enums import PeriodOpening
    from tisser.beneficiaries.models import AccompanimentPeriod

    person.last_contact_at = None
    person.save(update_fields=["last_contact_at"])
    earlier = clock.localdate() - datetime.timedelta(days=3)
    services.activity_create(
        actor=team.mediator,
        data=individual(
            participants=[person], anonymous_count=0, anonymous_counts={}, date=earlier
        ),
    )
    period = AccompanimentPeriod.objects.get(beneficiary=person)
    assert (period.opened_on, period.opened_by, period.site_id) == (
        earlier,
        PeriodOpening.FIRST_VISIT,
        team.site.pk,
    )
    person.refresh_from_db()
    assert timezone.localtime(person.last_contact_at).date() == earlier

    services.activity_create(
        actor=team.mediator,
        data=individual(participants=[person], anonymous_count=0, anonymous_counts={}),
    )
    assert AccompanimentPeriod.objects.filter(beneficiary=person).count() == 1
    person.refresh_from_db()
    assert timezone.localtime(person.last_contact_at).date() == clock.localdate()
