"""The site inbox: who reaches it, the badge in the navigation, the filters, and each answer
(accept with an appointment, reject, rebook, came, no show) with its refusals."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import MembershipFactory, PartnerFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.actions import prepare
from tests.referrals.factories import ReferralFactory
from tisser.accounts.enums import Role
from tisser.beneficiaries.models import Beneficiary
from tisser.core.errors import DomainError
from tisser.core.holidays import holiday_name
from tisser.core.views_helpers import PAGE_SIZE
from tisser.notifications.models import Notification
from tisser.referrals import transitions
from tisser.referrals.enums import AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment, Referral

S = ReferralStatus
SITE_ACTIONS = [
    "referrals:accept",
    "referrals:reject",
    "referrals:rebook",
    "referrals:mark_came",
    "referrals:mark_no_show",
]


def text(response):
    return html.unescape(response.content.decode())


def url(name, referral):
    return reverse(name, kwargs={"pk": referral.pk})


def appointment_post(days=3, **overrides):
    """The form's data, on a day that is not a public holiday at the site (Strasbourg)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    while holiday_name(day, postal_code="67000"):
        day += datetime.timedelta(days=1)
    data = {"date": day.isoformat(), "time": "14:30", "place": "Salle 2, 1 rue de la Paix"}
    data.update(overrides)
    return data


# --- permissions ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("referrals:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["referrer", "volunteer", "funder_viewer"])
def test_other_roles_get_403_on_the_inbox(login, world, who):
    assert login(getattr(world, who)).get(reverse("referrals:inbox")).status_code == 403


@pytest.mark.parametrize("name", SITE_ACTIONS)
def test_the_referrer_gets_403_on_the_site_answers(login, world, name):
    referral = prepare(world, S.SUBMITTED)
    client = login(world.referrer)
    assert client.get(url(name, referral)).status_code == 403
    assert client.post(url(name, referral), appointment_post()).status_code == 403
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


@pytest.mark.parametrize("name", [*SITE_ACTIONS, "referrals:detail"])
@pytest.mark.parametrize("who", ["other_manager", "volunteer", "funder_viewer", "foreign_admin"])
def test_people_outside_the_site_get_404(login, world, name, who):
    referral = prepare(world, S.ACCEPTED)
    client = login(getattr(world, who))
    assert client.get(url(name, referral)).status_code == 404
    assert client.post(url(name, referral), appointment_post()).status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert referral.appointments.count() == 1


def test_a_referral_still_in_moderation_is_not_the_site_business(login, world):
    waiting = prepare(world, S.MODERATION_PENDING)
    client = login(world.manager)
    assert client.get(url("referrals:detail", waiting)).status_code == 404
    assert client.post(url("referrals:accept", waiting), appointment_post()).status_code == 404


# --- the list and its badge ------------------------------------------------------------------


def test_the_navigation_counts_new_referrals_for_the_site_team(login, world):
    prepare(world, S.SUBMITTED)
    prepare(world, S.SUBMITTED)
    prepare(world, S.ACCEPTED)  # answered: not new
    prepare(world, S.MODERATION_PENDING)  # not sent to the site yet
    ReferralFactory(site=world.other_site, submitted=True)  # another site
    for who in (world.manager, world.mediator):
        page = text(login(who).get(reverse("workspace:home")))
        assert '<span class="nav-badge">2<span class="visually-hidden"> à traiter</span>' in page


def test_the_navigation_has_no_badge_when_nothing_is_new(login, world):
    prepare(world, S.ACCEPTED)
    page = text(login(world.mediator).get(reverse("workspace:home")))
    assert 'href="/espace-pro/orientations/a-traiter/"' in page
    assert "nav-badge" not in page


def test_the_inbox_shows_new_referrals_of_the_site_only(login, world):
    new = prepare(world, S.SUBMITTED, first_name="Nouvelle")
    answered = prepare(world, S.ACCEPTED, first_name="Acceptée")
    elsewhere = ReferralFactory(site=world.other_site, submitted=True, first_name="Ailleurs")
    draft = prepare(world, S.DRAFT, first_name="Brouillon")
    response = login(world.mediator).get(reverse("referrals:inbox"))
    page = text(response)
    assert new.reference in page
    for hidden in (answered, elsewhere, draft):
        assert hidden.reference not in page
    assert world.partner.name in page


def test_the_inbox_filters_by_status_partner_age_and_name(login, world):
    old = prepare(world, S.SUBMITTED, first_name="Ancienne", last_name="Lefèvre")
    Referral.objects.filter(pk=old.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=12)
    )
    recent = prepare(world, S.SUBMITTED, first_name="Récente", last_name="Petit")
    accepted = prepare(world, S.ACCEPTED)
    other_partner_referrer = MembershipFactory(
        organisation=world.other_partner, role=Role.PARTNER_REFERRER
    )
    from_other = prepare(
        world, S.SUBMITTED, partner=world.other_partner, referrer=other_partner_referrer.user
    )
    client = login(world.manager)
    inbox = reverse("referrals:inbox")

    def shown(params):
        page = text(client.get(inbox, params))
        return {r for r in (old, recent, accepted, from_other) if r.reference in page}

    assert shown({}) == {old, recent, from_other}
    assert shown({"status": S.ACCEPTED}) == {accepted}
    assert shown({"status": "all"}) == {old, recent, accepted, from_other}
    assert shown({"partner": world.other_partner.pk}) == {from_other}
    assert shown({"age": "gt10"}) == {old}
    assert shown({"age": "lt3"}) == {recent, from_other}
    assert shown({"q": "lefevre"}) == {old}


def test_the_filter_lists_are_the_network_s_by_name_and_keep_the_choice(login, world):
    from tisser.accounts.models import Partner, Site

    foreign = PartnerFactory(network=world.foreign_admin.organisation, name="Ailleurs")
    page = login(world.admin).get(
        reverse("referrals:inbox"), {"partner": world.other_partner.pk, "status": "all"}
    )
    content = page.content.decode()
    partners = Partner.objects.filter(network=world.site.network).order_by("name")
    sites = Site.objects.filter(network=world.site.network).order_by("city", "name")
    expected = "".join(
        f'\n  <option value="{p.pk}"{" selected" if p == world.other_partner else ""}>'
        f"{html.escape(p.name)}</option>"
        for p in partners
    )
    assert f'<option value="">Tous les partenaires</option>{expected}\n</select>' in content
    site_select = content[content.index('<select name="site"') :]
    site_select = site_select[: site_select.index("</select>")]
    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', site_select) == [
        (str(s.pk), html.escape(s.name)) for s in sites
    ]
    assert foreign.name not in content
    refused = login(world.manager).get(reverse("referrals:inbox"), {"partner": foreign.pk})
    assert "Sélectionnez un choix valide" in text(refused)


def test_a_bad_filter_says_so_in_french(login, world):
    page = text(login(world.manager).get(reverse("referrals:inbox"), {"status": "n-importe"}))
    assert "Sélectionnez un choix valide" in page


def test_the_filter_forms_share_nothing_of_a_request(world):
    """The filter's fields are built once per process (decision 0018, fourth round): a form
    with errors, or another network's, leaves the next one as a fresh one would be."""
    from tisser.referrals.forms import InboxFilterForm

    PartnerFactory(network=world.foreign_admin.organisation, name="Ailleurs")
    fresh = str(InboxFilterForm(membership=world.manager))
    wrong = InboxFilterForm({"status": "n-importe", "age": "jamais"}, membership=world.manager)
    assert not wrong.is_valid()
    assert "Sélectionnez un choix valide" in str(wrong)
    foreign = str(InboxFilterForm(membership=world.foreign_admin))
    assert "Ailleurs" in foreign and world.partner.name not in foreign
    again = InboxFilterForm(membership=world.manager)
    assert str(again) == fresh and not again.errors
    assert "Ailleurs" not in fresh and "site" not in again.fields


def test_the_network_admin_sees_every_site_and_filters_by_site(login, world):
    here = prepare(world, S.SUBMITTED)
    there = ReferralFactory(site=world.other_site, submitted=True)
    client = login(world.admin)
    page = text(client.get(reverse("referrals:inbox")))
    assert here.reference in page and there.reference in page
    assert world.other_site.name in page  # the site column
    only_there = text(client.get(reverse("referrals:inbox"), {"site": world.other_site.pk}))
    assert there.reference in only_there and here.reference not in only_there


def test_a_site_member_cannot_filter_on_another_site(login, world):
    ReferralFactory(site=world.other_site, submitted=True)
    response = login(world.manager).get(reverse("referrals:inbox"), {"site": world.other_site.pk})
    assert response.context["page"].paginator.count == 0


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_the_inbox_runs_the_same_queries_at_1_and_30_rows(login, world, who):
    client = login(getattr(world, who))
    path = reverse("referrals:inbox") + "?status=all"
    prepare(world, S.ACCEPTED)
    client.get(path)
    one, _ = _count(client, path)
    partners = [PartnerFactory(network=world.site.network) for _ in range(3)]
    for index in range(29):
        partner = partners[index % 3]
        referrer = MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER)
        prepare(
            world,
            S.ACCEPTED if index % 2 else S.SUBMITTED,
            partner=partner,
            referrer=referrer.user,
        )
    thirty, response = _count(client, path)
    assert response.context["page"].paginator.count == 30
    assert thirty == one


def test_the_inbox_is_paginated(login, world):
    for _ in range(PAGE_SIZE + 1):
        ReferralFactory(site=world.site, submitted=True)
    client = login(world.mediator)
    assert len(client.get(reverse("referrals:inbox")).context["page"].object_list) == PAGE_SIZE
    second = client.get(reverse("referrals:inbox"), {"page": "2"})
    assert len(second.context["page"].object_list) == 1


def test_the_detail_offers_the_site_answers(login, world):
    referral = prepare(world, S.SUBMITTED)
    page = text(login(world.mediator).get(url("referrals:detail", referral)))
    assert "Accepter et proposer un rendez-vous" in page
    assert "Refuser" in page
    assert "Annuler ce bon" not in page  # the referrer's button
    assert world.referrer.user.email in page  # to reach the referrer


def test_opening_a_referral_is_journaled_without_personal_data(login, world):
    from tisser.core.models import JournalEntry

    referral = prepare(world, S.SUBMITTED)
    login(world.mediator).get(url("referrals:detail", referral))
    entry = JournalEntry.objects.filter(action="referral.viewed").get()
    assert entry.actor == world.mediator.user
    assert (entry.object_type, entry.object_id) == ("referrals.referral", str(referral.pk))
    assert entry.site_id == referral.site_id
    assert entry.payload == {"role": "mediator"}


# --- accept --------------------------------------------------------------------------------


def test_the_accept_form_proposes_the_site_address_and_team(login, world):
    referral = prepare(world, S.SUBMITTED)
    page = text(login(world.manager).get(url("referrals:accept", referral)))
    assert f'value="{world.site.address}, {world.site.postal_code} {world.site.city}"' in page
    assert world.mediator.user.get_full_name() in page
    assert world.volunteer.user.get_full_name() not in page


def test_accepting_books_the_appointment_and_tells_person_and_referrer(login, world):
    referral = prepare(world, S.SUBMITTED)
    client = login(world.manager)
    data = appointment_post(mediator=world.mediator.user.pk)
    response = client.post(url("referrals:accept", referral), data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    appointment = referral.appointments.get()
    assert timezone.localtime(appointment.starts_at).strftime("%H:%M") == "14:30"
    assert appointment.place == "Salle 2, 1 rue de la Paix"
    assert appointment.mediator == world.mediator.user
    templates = set(
        Notification.objects.about("referrals.referral", [referral.pk]).values_list(
            "template", flat=True
        )
    )
    assert {"referral_accepted_person", "referral_accepted_referrer"} <= templates
    page = text(client.get(response["Location"]))
    assert "la personne et le prescripteur sont prévenus" in page
    assert "Rendez-vous prévu" in page


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"date": ""}, "Indiquez la date du rendez-vous."),
        ({"time": "25:99"}, "Indiquez une heure au format HH:MM"),
        ({"place": ""}, "Indiquez le lieu du rendez-vous."),
        ({"date": "2020-01-06"}, "Le rendez-vous doit être dans le futur."),
    ],
)
def test_accepting_with_bad_input_changes_nothing(login, world, overrides, message):
    referral = prepare(world, S.SUBMITTED)
    response = login(world.manager).post(
        url("referrals:accept", referral), appointment_post(**overrides)
    )
    assert response.status_code == 400
    assert message in text(response)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED
    assert not referral.appointments.exists()


def test_a_mediator_of_another_site_cannot_be_chosen(login, world):
    referral = prepare(world, S.SUBMITTED)
    data = appointment_post(mediator=world.other_manager.user.pk)
    response = login(world.manager).post(url("referrals:accept", referral), data)
    assert "Choisissez une personne de l'équipe de l'espace." in text(response)
    assert not Appointment.objects.exists()


def test_a_refusal_of_the_service_is_shown_and_changes_nothing(login, world, monkeypatch):
    referral = prepare(world, S.SUBMITTED)

    def refuse(**kwargs):
        raise DomainError("L'espace est fermé ce jour-là.")

    monkeypatch.setattr(transitions, "referral_accept", refuse)
    response = login(world.manager).post(url("referrals:accept", referral), appointment_post())
    assert response.status_code == 400
    assert "L'espace est fermé ce jour-là." in text(response)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_accepting_twice_says_it_is_too_late(login, world):
    referral = prepare(world, S.ACCEPTED)
    response = login(world.mediator).post(
        url("referrals:accept", referral), appointment_post(), follow=True
    )
    assert "cette action n'est plus possible" in text(response)
    assert referral.appointments.count() == 1


def test_the_network_admin_can_answer_for_a_site(login, world):
    referral = prepare(world, S.SUBMITTED)
    response = login(world.admin).post(url("referrals:accept", referral), appointment_post())
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED


# --- reject --------------------------------------------------------------------------------


def test_rejecting_records_reasons_and_message_and_tells_the_referrer(login, world):
    referral = prepare(world, S.SUBMITTED)
    response = login(world.mediator).post(
        url("referrals:reject", referral),
        {"reasons": ["hors-territoire", "session-complète"], "message": "Trop loin de chez elle."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.REJECTED
    assert referral.rejection_reasons == ["session-complète", "hors-territoire"]
    assert referral.rejection_message == "Trop loin de chez elle."
    assert Notification.objects.about("referrals.referral", [referral.pk]).filter(
        template="referral_rejected_referrer"
    )


def test_the_reject_form_lists_every_reason(login, world):
    page = text(login(world.mediator).get(url("referrals:reject", prepare(world, S.SUBMITTED))))
    for label in ("Bénéficiaire non joignable", "Orientation en doublon", "Déjà bénéficiaire"):
        assert label in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"message": "Trop loin."}, "Cochez au moins un motif."),
        ({"reasons": ["autre"], "message": "   "}, "Écrivez un message au prescripteur."),
        ({"reasons": ["pas-un-motif"], "message": "Trop loin."}, "Sélectionnez un choix valide"),
        (
            {"reasons": ["autre"], "message": "Son NIR est 2 84 12 75 123 456 78"},
            "numéro de sécurité sociale",
        ),
    ],
)
def test_rejecting_with_bad_input_changes_nothing(login, world, data, message):
    referral = prepare(world, S.SUBMITTED)
    response = login(world.mediator).post(url("referrals:reject", referral), data)
    assert response.status_code == 400
    assert message in text(response)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED
    assert referral.rejection_reasons == []


# --- rebook, came, no show ------------------------------------------------------------------


def test_rebooking_replaces_the_planned_appointment(login, world):
    referral = prepare(world, S.ACCEPTED)
    old = referral.appointments.get()
    response = login(world.manager).post(
        url("referrals:rebook", referral), appointment_post(days=9)
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == AppointmentStatus.REBOOKED
    new = referral.appointments.get(status=AppointmentStatus.PLANNED)
    assert timezone.localtime(new.starts_at).date() == timezone.localdate() + datetime.timedelta(9)
    assert Notification.objects.about("referrals.referral", [referral.pk]).filter(
        template="referral_rebooked_person"
    )


def test_rebooking_a_new_referral_is_not_possible(login, world):
    referral = prepare(world, S.SUBMITTED)
    response = login(world.manager).post(url("referrals:rebook", referral), appointment_post())
    assert response.status_code == 302
    assert not referral.appointments.exists()


def test_marking_came_creates_the_file(login, world):
    referral = prepare(world, S.ACCEPTED, first_name="Zoé", last_name="Quintard", birth_year=1990)
    client = login(world.mediator)
    page = text(client.get(url("referrals:mark_came", referral)))
    assert "Des dossiers existants ressemblent" not in page
    response = client.post(url("referrals:mark_came", referral), {"file": "new"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.CONSUMED
    assert referral.beneficiary.first_name == "Zoé"
    assert referral.appointments.get().status == AppointmentStatus.CAME
    page = text(client.get(response["Location"]))
    assert f"Dossier {referral.beneficiary.file_number}" in page
    assert f'href="{referral.beneficiary.get_absolute_url()}"' in page


def test_marking_came_can_link_an_existing_file(login, world):
    existing = BeneficiaryFactory(
        site=world.site, first_name="Zoé", last_name="Quintard", birth_year=1990
    )
    referral = prepare(world, S.ACCEPTED, first_name="Zoe", last_name="Quintard", birth_year=1990)
    client = login(world.mediator)
    page = text(client.get(url("referrals:mark_came", referral)))
    assert "Des dossiers existants ressemblent" in page
    assert existing.file_number in page
    response = client.post(url("referrals:mark_came", referral), {"file": str(existing.pk)})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.beneficiary == existing
    assert Beneficiary.objects.count() == 1


def test_a_file_of_another_site_is_not_offered(login, world):
    BeneficiaryFactory(
        site=world.other_site, first_name="Zoé", last_name="Quintard", birth_year=1990
    )
    referral = prepare(world, S.ACCEPTED, first_name="Zoé", last_name="Quintard", birth_year=1990)
    page = text(login(world.mediator).get(url("referrals:mark_came", referral)))
    assert "Des dossiers existants ressemblent" not in page


def test_another_sites_best_matches_never_hide_the_sites_own_file(login, world):
    """Six near-identical files at another site rank as high as the site's own file and
    come first by age: candidates are scoped to the member's files before the five best
    are kept, so the site's file is offered."""
    for _number in range(6):
        BeneficiaryFactory(
            site=world.other_site, first_name="Zoé", last_name="Quintard", birth_year=1990
        )
    own = BeneficiaryFactory(
        site=world.site, first_name="Zoé", last_name="Quintard", birth_year=1990
    )
    referral = prepare(world, S.ACCEPTED, first_name="Zoé", last_name="Quintard", birth_year=1990)
    page = text(login(world.mediator).get(url("referrals:mark_came", referral)))
    assert "Des dossiers existants ressemblent" in page
    assert own.file_number in page


def test_marking_no_show_keeps_the_referral_accepted(login, world):
    referral = prepare(world, S.ACCEPTED)
    client = login(world.mediator)
    assert "Confirmer l'absence" in text(client.get(url("referrals:mark_no_show", referral)))
    response = client.post(url("referrals:mark_no_show", referral))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert referral.appointments.get().status == AppointmentStatus.NO_SHOW
    page = text(client.get(url("referrals:detail", referral)))
    assert "Déplacer le rendez-vous" in page
    assert "La personne n'est pas venue" not in page  # nothing planned any more


def test_marking_no_show_twice_says_why_it_cannot(login, world):
    referral = prepare(world, S.ACCEPTED)
    client = login(world.mediator)
    client.post(url("referrals:mark_no_show", referral))
    response = client.post(url("referrals:mark_no_show", referral), follow=True)
    assert "Aucun rendez-vous prévu" in text(response)
    assert referral.events.filter(note__icontains="absente").count() == 1


def test_before_the_appointment_day_the_page_offers_came_early(login, world):
    referral = prepare(world, S.ACCEPTED)
    appointment = referral.appointments.get()
    later = timezone.now() + datetime.timedelta(days=3)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=later, ends_at=later + datetime.timedelta(minutes=30)
    )
    client = login(world.mediator)
    page = client.get(referral.get_absolute_url()).content.decode()
    came_early = reverse("appointments:came_early", kwargs={"pk": appointment.pk})
    assert came_early in page and "La personne est venue en avance" in page
    response = client.post(came_early, {"next": referral.get_absolute_url()})
    assert response.url == referral.get_absolute_url()
    referral.refresh_from_db()
    assert referral.status == S.CONSUMED
