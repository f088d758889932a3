"""The pages: the form (blank, from a file, from an appointment), a record, edit and delete,
the list with its filters at a constant number of queries, and the file's timeline."""

import datetime
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import NetworkFactory, SiteFactory
from tests.activities.conftest import individual, workshop
from tests.activities.factories import ActivityFactory, ParticipationFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.factories import AppointmentFactory
from tisser.activities import services
from tisser.activities.models import Activity
from tisser.core import clock
from tisser.core.models import JournalEntry

QUICK = {"kind": "individuel", "duration": "30", "place_type": "lieu_activite"}


def text(response):
    return html.unescape(response.content.decode())


def post_data(**overrides):
    data = {**QUICK, "date": clock.localdate().isoformat(), "themes": ["email"]}
    data.update(overrides)
    return data


def test_the_blank_form_defaults_to_today_my_site_and_an_anonymous_visitor(team, login):
    client = login(team.mediator)
    page = client.get(reverse("activities:create"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["date"].value() == clock.localdate()
    assert form["kind"].value() == "individuel" and form["place_type"].value() == "lieu_activite"

    response = client.post(reverse("activities:create"), post_data())
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.site_id == team.site.pk and activity.mediator_id == team.mediator.user_id
    assert activity.participant_count == 1 and activity.anonymous_count == 1


def test_recent_themes_are_offered_first(team, login):
    services.activity_create(actor=team.mediator, data=individual(themes=["sante"]))
    services.activity_create(actor=team.mediator, data=individual(themes=["bureautique"]))
    form = login(team.mediator).get(reverse("activities:create")).context["form"]
    assert form.recent_themes == ["bureautique", "sante"]
    assert [c for c, _ in form.fields["themes"].choices][:2] == ["bureautique", "sante"]
    # The last duration chosen is the default.
    services.activity_create(actor=team.mediator, data=individual(duration_minutes=45))
    form = login(team.mediator).get(reverse("activities:create")).context["form"]
    assert form["duration"].value() == "45"


def test_from_a_file_the_person_is_prefilled(team, person, login):
    client = login(team.mediator)
    url = f"{reverse('activities:create')}?dossier={person.pk}"
    page = client.get(url)
    assert page.context["form"]["file_numbers"].value() == person.file_number
    assert "Pour Awa Diallo" in text(page)
    response = client.post(url, post_data(file_numbers=person.file_number))
    assert response.status_code == 302
    assert list(Activity.objects.get().participations.values_list("beneficiary", flat=True)) == [
        person.pk
    ]


def test_from_an_appointment_the_record_is_linked_and_offered_once(team, person, login):
    appointment = AppointmentFactory(site=team.site, starts_at=clock.now())
    appointment.referral.beneficiary = person
    appointment.referral.save()
    client = login(team.mediator)
    listed = client.get(reverse("activities:list"))
    url = f"{reverse('activities:create')}?rendez_vous={appointment.pk}"
    assert url.replace("&", "&amp;") in listed.content.decode()

    page = client.get(url)
    assert page.context["form"]["file_numbers"].value() == person.file_number
    client.post(url, post_data(file_numbers=person.file_number))
    activity = Activity.objects.get()
    assert activity.appointment == appointment
    # Done: the appointment leaves the list, and its link opens the record.
    assert url not in client.get(reverse("activities:list")).content.decode()
    assert client.get(url).url == activity.get_absolute_url()


@pytest.mark.parametrize("query", ["dossier", "rendez_vous"])
@pytest.mark.parametrize("value", ["other", "9" * 25, "abc"])
def test_a_start_out_of_scope_or_absurd_is_a_404(team, login, query, value):
    if value == "other":
        other = (
            BeneficiaryFactory(site=team.other_site)
            if query == "dossier"
            else AppointmentFactory(site=team.other_site)
        )
        value = other.pk
    response = login(team.mediator).get(f"{reverse('activities:create')}?{query}={value}")
    assert response.status_code == 404


def test_errors_are_listed_at_the_top_in_french_and_nothing_is_saved(team, login):
    response = login(team.mediator).post(
        reverse("activities:create"),
        post_data(themes=[], file_numbers="XXX-1", place_type="domicile"),
    )
    assert response.status_code == 400
    page = text(response)
    assert 'class="error-summary"' in page
    assert "Choisissez au moins une thématique." in page
    assert "Aucun dossier de votre espace ne porte ce numéro : XXX-1." in page
    assert "Indiquez la commune du lieu." in page
    assert 'href="#id_themes_0"' in page  # the first box: a link puts the focus in the list
    assert not Activity.objects.exists()


def test_a_file_number_of_another_site_is_a_form_error(team, login):
    elsewhere = BeneficiaryFactory(site=team.other_site)
    response = login(team.mediator).post(
        reverse("activities:create"), post_data(file_numbers=elsewhere.file_number)
    )
    assert response.status_code == 400
    assert "Aucun dossier de votre espace" in text(response)
    assert not Activity.objects.exists()


def test_a_workshop_with_counts(team, person, login):
    data = post_data(
        kind="collectif",
        file_numbers=person.file_number,
        anonymous_count="4",
        count_gender_feminin="3",
        count_age_soixante_dix_plus="1",
        workshop_name="Premiers pas",
        workshop_level="debutant",
    )
    assert login(team.mediator).post(reverse("activities:create"), data).status_code == 302
    activity = Activity.objects.get()
    assert activity.participant_count == 5
    assert activity.anonymous_counts["gender"] == {"feminin": 3, "non_communique": 1}


def test_a_custom_duration(team, login):
    data = post_data(duration="personnaliser", duration_hours="2", duration_minutes="40")
    login(team.mediator).post(reverse("activities:create"), data)
    assert Activity.objects.get().duration_minutes == 160


def test_the_record_page_journals_the_read_of_a_file(team, person, login):
    activity = services.activity_create(
        actor=team.mediator,
        data=individual(participants=[person], anonymous_count=0, anonymous_counts={}),
    )
    page = login(team.admin).get(activity.get_absolute_url())
    assert page.status_code == 200 and "Awa Diallo" in text(page)
    assert not page.context["can_change"]
    viewed = JournalEntry.objects.get(action="activity.viewed")
    assert viewed.actor_id == team.admin.user_id and viewed.object_id == str(activity.pk)


def test_edit_within_seven_days_then_only_the_manager(team, login):
    start = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
    with clock.frozen_at(start):
        activity = services.activity_create(actor=team.mediator, data=individual())
    edit = reverse("activities:edit", kwargs={"pk": activity.pk})
    data = post_data(date="2026-03-02", duration="60")
    with clock.frozen_at(start + datetime.timedelta(days=8)):
        client = login(team.mediator)
        assert client.get(edit).url == activity.get_absolute_url()
        assert client.post(edit, data).status_code == 302
        activity.refresh_from_db()
        assert activity.duration_minutes == 30
        client = login(team.manager)
        assert client.get(edit).status_code == 200
        assert client.post(edit, data).status_code == 302
    activity.refresh_from_db()
    assert activity.duration_minutes == 60


def test_delete_asks_then_deletes_and_journals(team, login):
    activity = services.activity_create(actor=team.mediator, data=individual())
    client = login(team.mediator)
    url = reverse("activities:delete", kwargs={"pk": activity.pk})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Activity.objects.exists()
    assert JournalEntry.objects.filter(action="activity.deleted").exists()


def test_a_colleague_cannot_delete_and_sees_why(team, login):
    activity = services.activity_create(actor=team.mediator, data=individual())
    response = login(team.colleague).post(reverse("activities:delete", kwargs={"pk": activity.pk}))
    assert response.status_code == 400
    assert "Seul son auteur ou un responsable" in text(response)
    assert Activity.objects.exists()


# --- the list ------------------------------------------------------------------------------


def _fill(team, rows):
    for index in range(rows):
        activity = ActivityFactory(site=team.site, mediator=team.mediator.user)
        if index % 2:
            ParticipationFactory(activity=activity, beneficiary__site=team.site)


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [q for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("member", ["mediator", "admin"])
def test_the_list_costs_the_same_queries_for_1_and_50_rows(team, login, member):
    client = login(getattr(team, member))
    path = f"{reverse('activities:list')}?kind="
    client.get(path)  # the first page after sign-in stamps the session
    _fill(team, 1)
    few = _queries(client, path)
    _fill(team, 60)
    many = _queries(client, path)
    assert len(many) == len(few), [q["sql"] for q in many]
    # Signed-in base (4), count, today's appointments, mediators of the filter, the page,
    # its participants' files.
    assert len(many) <= 9


def test_the_list_filters(team, login):
    services.activity_create(actor=team.mediator, data=individual(themes=["sante"]))
    services.activity_create(actor=team.colleague, data=workshop())
    services.activity_create(
        actor=team.mediator,
        data=individual(themes=["aide_aux_demarches_administratives"], operator="ants"),
    )
    ActivityFactory(site=team.other_site)
    client = login(team.manager)

    def count(**query):
        return client.get(reverse("activities:list"), query).context["page"].paginator.count

    assert count() == 3
    assert count(theme="sante") == 1
    assert count(theme="email") == 1
    assert count(kind="collectif") == 1
    assert count(operator="ants") == 1
    assert count(mediator=team.colleague.user_id) == 1
    yesterday = clock.localdate() - datetime.timedelta(days=1)
    assert count(date_to=yesterday.isoformat()) == 1
    assert count(date_from=clock.localdate().isoformat()) == 2


def test_the_network_admin_sees_every_site_and_may_narrow_to_one(team, login):
    ActivityFactory(site=team.site)
    ActivityFactory(site=team.other_site)
    ActivityFactory(site=team.other_site, date=clock.localdate() - datetime.timedelta(days=40))
    ActivityFactory(site=SiteFactory(network=NetworkFactory(name="Autre")))  # another network
    client = login(team.admin)
    # The network's list opens on the current month.
    opened = client.get(reverse("activities:list"))
    month_start = clock.localdate().replace(day=1).isoformat()
    assert opened.url == f"{reverse('activities:list')}?date_from={month_start}"
    assert client.get(opened.url).context["page"].paginator.count == 2
    everything = client.get(reverse("activities:list"), {"date_from": "2000-01-01"})
    assert everything.context["page"].paginator.count == 3
    page = client.get(reverse("activities:list"), {"site": team.site.pk}).context["page"]
    assert page.paginator.count == 1


def test_the_record_is_on_the_files_timeline(team, person, login):
    services.activity_create(
        actor=team.mediator,
        data=individual(
            participants=[person], anonymous_count=0, anonymous_counts={}, themes=["sante"]
        ),
    )
    page = login(team.mediator).get(person.get_absolute_url())
    timeline = page.context["timeline"]
    [event] = [e for e in timeline if e.kind.startswith("activity.")]
    assert event.title.startswith("Accompagnement individuel du")
    assert "Santé" in event.detail
    assert event.url == Activity.objects.get().get_absolute_url()
