"""The partner portal: the referral form (draft, send, suggestion of the nearest space), the
organisation's list with its filters, the detail page with its history, and cancelling."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import MembershipFactory, SiteFactory
from tests.referrals.actions import bookable, prepare
from tests.referrals.factories import ReferralFactory
from tisser.accounts.enums import HabilitationStatus, Role
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION
from tisser.core.models import JournalEntry
from tisser.core.views_helpers import PAGE_SIZE
from tisser.notifications.models import Notification
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.models import Referral, ReferralEvent

S = ReferralStatus


def text(response):
    """The page as a reader sees it (entities such as ' decoded)."""
    return html.unescape(response.content.decode())


def referral_post(target, **overrides):
    data = {
        "first_name": "  Aïcha ",
        "last_name": "Ben Salah",
        "birth_year": "1984",
        "phone": "06 12 34 56 78",
        "email": "",
        "preferred_channel": "sms",
        "postal_code": "67000",
        "commune": "Strasbourg",
        "social_status": "sans_emploi",
        "is_jobseeker": "yes",
        "eligibility_criteria": ["RSA", "SANS_EQUIPEMENT"],
        "needs": ["equipment", "skills"],
        "requested_offers": ["smartphone"],
        "reason": "Souhaite un téléphone pour ses démarches et apprendre à s'en servir.",
        "site": str(target.pk),
        "notice_given": "on",
        "action": "submit",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- permissions -------------------------------------------------------------------------

PARTNER_PAGES = ["referrals:partner_list", "referrals:create", "referrals:suggest_site"]


@pytest.mark.parametrize("name", PARTNER_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", PARTNER_PAGES)
@pytest.mark.parametrize("who", ["manager", "mediator", "volunteer", "admin", "funder_viewer"])
def test_other_roles_get_403_on_partner_pages(login, world, name, who):
    assert login(getattr(world, who)).get(reverse(name)).status_code == 403


def test_another_partner_gets_404_on_a_referral(login, world):
    referral = prepare(world, S.SUBMITTED)
    client = login(world.other_referrer)
    for name in ("referrals:detail", "referrals:cancel", "referrals:edit"):
        assert client.get(reverse(name, kwargs={"pk": referral.pk})).status_code == 404
    assert client.post(reverse("referrals:cancel", kwargs={"pk": referral.pk})).status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


@pytest.mark.parametrize("who", ["funder_viewer", "volunteer", "other_manager", "foreign_admin"])
def test_people_outside_the_referral_get_404(login, world, who):
    referral = prepare(world, S.SUBMITTED)
    response = login(getattr(world, who)).get(
        reverse("referrals:detail", kwargs={"pk": referral.pk})
    )
    assert response.status_code == 404


def test_the_site_does_not_see_a_draft(login, world):
    draft = prepare(world, S.DRAFT)
    response = login(world.manager).get(reverse("referrals:detail", kwargs={"pk": draft.pk}))
    assert response.status_code == 404


# --- the form ------------------------------------------------------------------------------


def test_the_form_shows_every_part_and_the_reminder(login, world):
    response = login(world.referrer).get(reverse("referrals:create"))
    assert response.status_code == 200
    page = text(response)
    for expected in (
        "La personne",
        "Année de naissance",
        "Par le prescripteur",
        "France Travail comme demandeur d'emploi",
        "Reçoit le RSA",
        "Démarches en ligne",
        "Carte SIM",
        "La personne a le droit de lire ce texte",
        f"version {CURRENT_NOTICE_VERSION}",
        "Enregistrer le brouillon",
        "Envoyer",
        'hx-get="/espace-pro/orientations/espace-le-plus-proche/"',
    ):
        assert expected in page, expected


def test_submitting_the_form_sends_the_referral_to_the_site(login, world):
    client = login(world.referrer)
    response = client.post(reverse("referrals:create"), referral_post(world.site))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert referral.status == S.SUBMITTED
    assert referral.first_name == "Aïcha"
    assert referral.phone == "+33612345678"
    assert referral.is_jobseeker is True
    assert referral.eligibility_criteria == ["RSA", "SANS_EQUIPEMENT"]
    assert referral.needs == ["equipment", "skills"]
    assert referral.notice_version == CURRENT_NOTICE_VERSION
    assert referral.partner == world.partner
    assert referral.referrer == world.referrer.user
    assert referral.site == world.site
    assert list(referral.events.values_list("from_status", "to_status")) == [(S.DRAFT, S.SUBMITTED)]
    assert Notification.objects.about("referrals.referral", [referral.pk]).filter(
        template="referral_submitted_site"
    )
    assert "est envoyé à l'espace" in text(client.get(response["Location"]))


def test_saving_a_draft_keeps_it_with_the_referrer(login, world):
    client = login(world.referrer)
    data = referral_post(world.site, action="draft", notice_given=None, last_name="", needs=[])
    response = client.post(reverse("referrals:create"), data)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.status == S.DRAFT
    assert referral.notice_version == ""
    assert not referral.events.exists()


def test_sending_needs_the_notice_a_need_and_a_last_name(login, world):
    client = login(world.referrer)
    data = referral_post(world.site, notice_given=None, last_name="", needs=[])
    response = client.post(reverse("referrals:create"), data)
    assert response.status_code == 200
    page = text(response)
    assert "Remettez la notice d'information" in page
    assert "Cochez au moins un besoin." in page
    assert "Indiquez le nom de la personne." in page
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"phone": "12"}, "Ce numéro de téléphone n'est pas valide"),
        (
            {"phone": "", "preferred_channel": "sms"},
            "Pour un SMS ou un appel, indiquez le téléphone.",
        ),
        (
            {"preferred_channel": "email"},
            "Pour un message par e-mail, indiquez l'adresse e-mail.",
        ),
        ({"postal_code": "6700"}, "Le code postal a 5 chiffres"),
        ({"birth_year": "1850"}, "Indiquez une année de naissance entre 1900"),
        ({"reason": "NIR 1 84 12 75 123 456 78"}, "numéro de sécurité sociale"),
        ({"needs": ["teleportation"]}, "Sélectionnez un choix valide"),
        ({"site": ""}, "Choisissez l'espace qui recevra la personne."),
    ],
)
def test_bad_input_gets_a_french_message_and_creates_nothing(login, world, overrides, message):
    response = login(world.referrer).post(
        reverse("referrals:create"), referral_post(world.site, **overrides)
    )
    assert response.status_code == 200
    assert message in text(response)
    assert "Le formulaire contient des erreurs" in text(response)
    assert not Referral.objects.exists()


def test_a_closed_or_foreign_site_cannot_be_chosen(login, world):
    closed = SiteFactory(network=world.site.network, is_active=False)
    response = login(world.referrer).post(reverse("referrals:create"), referral_post(closed))
    assert "Choisissez un espace ouvert de la liste." in text(response)
    assert not Referral.objects.exists()


def test_a_partner_not_validated_sends_to_moderation(login, world):
    world.partner.habilitation_status = HabilitationStatus.NOT_SET
    world.partner.save()
    client = login(world.referrer)
    assert "n'est pas encore validée" in text(client.get(reverse("referrals:create")))
    response = client.post(reverse("referrals:create"), referral_post(world.site), follow=True)
    referral = Referral.objects.get()
    assert referral.status == S.MODERATION_PENDING
    assert "dès que le réseau aura validé" in text(response)


def test_a_refused_submission_changes_nothing(login, world, monkeypatch):
    """A DomainError from the services: the message is shown and the draft is not kept."""
    from tisser.core.errors import DomainError
    from tisser.referrals import transitions

    def refuse(**kwargs):
        raise DomainError("Refusé pour le test.")

    monkeypatch.setattr(transitions, "referral_submit", refuse)
    response = login(world.referrer).post(reverse("referrals:create"), referral_post(world.site))
    assert response.status_code == 200
    assert "Refusé pour le test." in text(response)
    assert not Referral.objects.exists()
    assert not JournalEntry.objects.filter(action="referral.created").exists()


# --- the nearest space ----------------------------------------------------------------------


@pytest.fixture
def placed_sites(world):
    """Strasbourg (the world's site), Mulhouse and Lyon, with coordinates."""
    world.site.latitude, world.site.longitude = Decimal("48.5734"), Decimal("7.7521")
    world.site.save()
    network = world.site.network
    mulhouse = SiteFactory(
        network=network,
        name="Espace Mulhouse",
        postal_code="68100",
        city="Mulhouse",
        latitude=Decimal("47.7508"),
        longitude=Decimal("7.3359"),
    )
    lyon = SiteFactory(
        network=network,
        name="Espace Lyon",
        postal_code="69003",
        city="Lyon",
        latitude=Decimal("45.7640"),
        longitude=Decimal("4.8357"),
    )
    return world.site, mulhouse, lyon


def test_the_htmx_fragment_suggests_the_nearest_open_space(login, world, placed_sites):
    strasbourg, mulhouse, _lyon = placed_sites
    response = login(world.referrer).get(
        reverse("referrals:suggest_site"), {"postal_code": "68200"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page  # a fragment, not a page
    assert page.index("Espace Mulhouse") < page.index(strasbourg.name) < page.index("Espace Lyon")
    assert f'<option value="{mulhouse.pk}" selected>' in page


def test_the_fragment_says_when_nothing_can_be_suggested(login, world, placed_sites):
    response = login(world.referrer).get(reverse("referrals:suggest_site"), {"postal_code": "abc"})
    assert '<option value="" selected>' in text(response)
    assert "Aucun espace ouvert n'a pu être proposé" in text(response)


def test_without_javascript_the_suggest_button_keeps_what_was_typed(login, world, placed_sites):
    _strasbourg, mulhouse, _lyon = placed_sites
    data = referral_post(world.site, action="suggest", postal_code="68100", site="")
    response = login(world.referrer).post(reverse("referrals:create"), data)
    assert response.status_code == 200
    page = text(response)
    assert f'<option value="{mulhouse.pk}" selected>' in page
    assert 'value="Ben Salah"' in page
    assert re.search(r'value="RSA"[^>]*checked', page)
    assert not re.search(r'value="AAH"[^>]*checked', page)
    assert "Le formulaire contient des erreurs" not in page
    assert not Referral.objects.exists()


# --- editing a draft --------------------------------------------------------------------------


def test_the_referrer_completes_and_sends_a_draft(login, world):
    draft = prepare(world, S.DRAFT, last_name="Martin", notice_version="")
    client = login(world.referrer)
    url = reverse("referrals:edit", kwargs={"pk": draft.pk})
    assert 'value="Martin"' in text(client.get(url))
    response = client.post(url, referral_post(world.site, last_name="Martin-Durand"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.last_name == "Martin-Durand"
    assert draft.status == S.SUBMITTED
    assert draft.notice_version == CURRENT_NOTICE_VERSION


def test_a_sent_referral_can_no_longer_be_edited(login, world):
    referral = prepare(world, S.SUBMITTED, last_name="Martin")
    client = login(world.referrer)
    url = reverse("referrals:edit", kwargs={"pk": referral.pk})
    response = client.post(url, referral_post(world.site, last_name="Autre"), follow=True)
    assert "cette action n'est plus possible" in text(response)
    referral.refresh_from_db()
    assert referral.last_name == "Martin"


def test_the_site_cannot_edit_a_draft(login, world):
    referral = prepare(world, S.SUBMITTED)
    response = login(world.manager).get(reverse("referrals:edit", kwargs={"pk": referral.pk}))
    assert response.status_code == 403


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_only_the_organisation_referrals(login, world):
    mine = prepare(world, S.SUBMITTED, first_name="Mine")
    colleague = MembershipFactory(organisation=world.partner, role=Role.PARTNER_REFERRER)
    by_colleague = prepare(world, S.DRAFT, first_name="Collègue", referrer=colleague.user)
    ReferralFactory(site=world.site, first_name="Ailleurs")  # another partner
    page = text(login(world.referrer).get(reverse("referrals:partner_list")))
    assert mine.reference in page and by_colleague.reference in page
    assert "Ailleurs" not in page


def test_the_list_filters_by_status_name_and_period(login, world):
    old = prepare(world, S.SUBMITTED, first_name="Ancien", last_name="Dupont")
    Referral.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    recent = prepare(world, S.DRAFT, first_name="Récent", last_name="Müller")
    client = login(world.referrer)
    url = reverse("referrals:partner_list")

    by_status = text(client.get(url, {"status": S.DRAFT}))
    assert recent.reference in by_status and old.reference not in by_status

    by_name = text(client.get(url, {"q": "muller"}))
    assert recent.reference in by_name and old.reference not in by_name

    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    by_period = text(client.get(url, {"date_from": since}))
    assert recent.reference in by_period and old.reference not in by_period

    wrong = text(client.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"}))
    assert "La date de fin doit être après la date de début." in wrong


def test_the_list_runs_the_same_queries_at_1_and_30_rows(
    login, world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.referrer)
    url = reverse("referrals:partner_list")
    prepare(world, S.ACCEPTED)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for index in range(29):
        prepare(world, S.ACCEPTED if index % 2 else S.DRAFT)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(url)
    assert response.context["page"].paginator.count == 30
    assert len(thirty) == len(one)


def test_the_list_is_paginated(login, world):
    for _ in range(PAGE_SIZE + 1):
        ReferralFactory(site=world.site, partner=world.partner, referrer=world.referrer.user)
    client = login(world.referrer)
    first = client.get(reverse("referrals:partner_list"))
    assert len(first.context["page"].object_list) == PAGE_SIZE
    second = client.get(reverse("referrals:partner_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 1


# --- detail and cancel --------------------------------------------------------------------------


def test_the_detail_shows_history_appointment_and_messages(login, world):
    referral = prepare(world, S.SUBMITTED, rejection_reasons=[])
    from tisser.referrals import transitions

    transitions.referral_accept(
        actor=world.manager,
        referral=referral,
        starts_at=bookable(timezone.now() + datetime.timedelta(days=2)),
        place="Salle 2, 1 rue de la Paix",
        mediator=world.mediator.user,
    )
    page = text(login(world.referrer).get(reverse("referrals:detail", kwargs={"pk": referral.pk})))
    assert "Accepté, rendez-vous proposé" in page
    assert "Salle 2, 1 rue de la Paix" in page
    assert "Rendez-vous proposé" in page  # the SMS to the person, status only
    assert "Bon d'orientation accepté" in page  # the e-mail to the referrer
    assert "Annuler ce bon d'orientation" in page
    assert "Accepter et proposer un rendez-vous" not in page  # the site's button


def test_the_detail_shows_the_rejection_to_the_referrer(login, world):
    referral = prepare(
        world,
        S.REJECTED,
        rejection_reasons=["session-complète", "hors-territoire"],
        rejection_message="Plus de place avant septembre.",
    )
    page = text(login(world.referrer).get(reverse("referrals:detail", kwargs={"pk": referral.pk})))
    assert "Session complète, Hors territoire" in page
    assert "Plus de place avant septembre." in page
    assert "Annuler ce bon" not in page


def test_cancel_asks_for_confirmation_then_cancels(login, world):
    referral = prepare(world, S.ACCEPTED)
    client = login(world.referrer)
    url = reverse("referrals:cancel", kwargs={"pk": referral.pk})
    page = text(client.get(url))
    assert "Annuler le bon d'orientation" in page
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED  # showing the page changes nothing

    response = client.post(url, {"note": "La personne a déménagé."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    event = ReferralEvent.objects.filter(referral=referral).last()
    assert event.to_status == S.CANCELLED and event.note == "La personne a déménagé."
    assert Notification.objects.about("referrals.referral", [referral.pk]).filter(
        template="referral_cancelled_site"
    )


def test_cancel_refuses_bad_input_and_final_statuses(login, world):
    client = login(world.referrer)
    referral = prepare(world, S.SUBMITTED)
    url = reverse("referrals:cancel", kwargs={"pk": referral.pk})
    response = client.post(url, {"note": "NIR 1 84 12 75 123 456 78"})
    assert response.status_code == 400
    assert "numéro de sécurité sociale" in text(response)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED

    done = prepare(world, S.REJECTED)
    response = client.post(reverse("referrals:cancel", kwargs={"pk": done.pk}), follow=True)
    assert "cette action n'est plus possible" in text(response)
    done.refresh_from_db()
    assert done.status == S.REJECTED


def test_the_site_cannot_cancel(login, world):
    referral = prepare(world, S.SUBMITTED)
    response = login(world.manager).post(reverse("referrals:cancel", kwargs={"pk": referral.pk}))
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED


def test_the_partner_navigation_links(login, world):
    page = text(login(world.referrer).get(reverse("referrals:partner_list")))
    assert 'href="/espace-pro/orientations/mes-orientations/" aria-current="page"' in page
    assert 'href="/espace-pro/orientations/nouvelle/"' in page


def test_the_referrer_sees_that_the_person_came_without_opening_the_file(login, world):
    referral = prepare(world, S.ACCEPTED)
    from tisser.referrals import transitions

    transitions.referral_mark_came(actor=world.manager, referral=referral)
    referral.refresh_from_db()
    page = text(login(world.referrer).get(reverse("referrals:detail", kwargs={"pk": referral.pk})))
    assert "Personne venue" in page
    assert referral.beneficiary.get_absolute_url() not in page
