"""Moderation by the network admins: the queue (unvalidated partners, public requests),
approve or reject a referral, and validate a partner, which releases its waiting referrals."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.accounts.factories import MembershipFactory, PartnerFactory
from tests.referrals.actions import prepare
from tests.referrals.factories import ReferralFactory
from tisser.accounts.enums import HabilitationStatus, Role
from tisser.core.models import JournalEntry
from tisser.notifications.models import Notification
from tisser.referrals.enums import ReferralStatus

S = ReferralStatus


def text(response):
    return html.unescape(response.content.decode())


def url(name, obj):
    return reverse(name, kwargs={"pk": obj.pk})


@pytest.fixture
def unvalidated(world):
    world.partner.habilitation_status = HabilitationStatus.NOT_SET
    world.partner.save()
    return world.partner


# --- permissions ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("referrals:moderation_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["referrer", "manager", "mediator", "volunteer", "funder_viewer"])
def test_only_network_admins_reach_the_queue(login, world, who):
    assert login(getattr(world, who)).get(reverse("referrals:moderation_list")).status_code == 403


@pytest.mark.parametrize("name", ["referrals:moderation_approve", "referrals:moderation_reject"])
def test_the_referrer_gets_403_on_moderation_actions(login, world, unvalidated, name):
    referral = prepare(world, S.MODERATION_PENDING)
    client = login(world.referrer)
    assert client.post(url(name, referral), {"note": "Non."}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == S.MODERATION_PENDING


@pytest.mark.parametrize("name", ["referrals:moderation_approve", "referrals:moderation_reject"])
def test_an_admin_of_another_network_gets_404(login, world, unvalidated, name):
    referral = prepare(world, S.MODERATION_PENDING)
    client = login(world.foreign_admin)
    assert client.get(url(name, referral)).status_code == 404
    assert client.post(url(name, referral), {"note": "Non."}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == S.MODERATION_PENDING


def test_partner_validation_is_for_admins_of_the_network(login, world, unvalidated):
    validate = url("referrals:partner_validate", unvalidated)
    assert login(world.referrer).post(validate).status_code == 403  # their own partner
    assert login(world.foreign_admin).post(validate).status_code == 404
    assert login(world.other_referrer).post(validate).status_code == 404
    unvalidated.refresh_from_db()
    assert unvalidated.habilitation_status == HabilitationStatus.NOT_SET


# --- the queue ------------------------------------------------------------------------------


def test_the_queue_lists_public_requests_and_unvalidated_partners(login, world, unvalidated):
    from_partner = prepare(world, S.MODERATION_PENDING, first_name="Partenaire")
    public = ReferralFactory(
        site=world.site, public=True, status=S.MODERATION_PENDING, first_name="Publique"
    )
    sent = prepare(world, S.SUBMITTED)
    client = login(world.admin)
    page = text(client.get(reverse("referrals:moderation_list")))
    assert from_partner.reference in page and public.reference in page
    assert sent.reference not in page
    assert "Habilitation en attente de validation" in page
    assert "Demande d'aide sur le site public" in page
    assert url("referrals:partner_validate", unvalidated) in page

    only_public = text(
        client.get(reverse("referrals:moderation_list"), {"source": "public_request"})
    )
    assert public.reference in only_public and from_partner.reference not in only_public
    only_partners = text(client.get(reverse("referrals:moderation_list"), {"source": "partner"}))
    assert from_partner.reference in only_partners and public.reference not in only_partners


def test_the_navigation_counts_what_waits_for_moderation(login, world, unvalidated):
    prepare(world, S.MODERATION_PENDING)
    ReferralFactory(site=world.site, public=True, status=S.MODERATION_PENDING)
    page = text(login(world.admin).get(reverse("workspace:home")))
    assert '<span class="nav-badge">2<span class="visually-hidden"> en attente</span>' in page


def test_the_queue_runs_the_same_queries_at_1_and_30_rows(login, world, unvalidated):
    client = login(world.admin)
    path = reverse("referrals:moderation_list")
    prepare(world, S.MODERATION_PENDING)
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    for index in range(29):
        if index % 3 == 0:
            ReferralFactory(site=world.site, public=True, status=S.MODERATION_PENDING)
        else:
            partner = PartnerFactory(
                network=world.site.network, habilitation_status=HabilitationStatus.NOT_SET
            )
            referrer = MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER)
            prepare(world, S.MODERATION_PENDING, partner=partner, referrer=referrer.user)
    with CaptureQueriesContext(connection) as thirty:
        response = client.get(path)
    assert response.context["page"].paginator.count == 30
    assert len(thirty) == len(one)


# --- approve, reject, validate ------------------------------------------------------------------


def test_approving_sends_the_referral_to_its_site(login, world, unvalidated):
    referral = prepare(world, S.MODERATION_PENDING)
    client = login(world.admin)
    assert "Transmettre à l'espace" in text(
        client.get(url("referrals:moderation_approve", referral))
    )
    referral.refresh_from_db()
    assert referral.status == S.MODERATION_PENDING  # the page alone changes nothing
    response = client.post(url("referrals:moderation_approve", referral))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED
    assert referral.submitted_at is not None
    assert Notification.objects.filter(referral=referral, template="referral_submitted_site")


def test_rejecting_needs_a_message_for_the_referrer(login, world, unvalidated):
    referral = prepare(world, S.MODERATION_PENDING)
    client = login(world.admin)
    response = client.post(url("referrals:moderation_reject", referral), {"note": ""})
    assert response.status_code == 400
    assert "Écrivez un message." in text(response)
    referral.refresh_from_db()
    assert referral.status == S.MODERATION_PENDING

    response = client.post(
        url("referrals:moderation_reject", referral), {"note": "Organisation inconnue du réseau."}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.MODERATION_REJECTED
    assert referral.events.last().note == "Organisation inconnue du réseau."
    assert Notification.objects.filter(
        referral=referral, template="referral_moderation_rejected_referrer"
    )


def test_a_public_request_can_be_rejected_without_a_message(login, world):
    public = ReferralFactory(site=world.site, public=True, status=S.MODERATION_PENDING)
    response = login(world.admin).post(url("referrals:moderation_reject", public), {"note": ""})
    assert response.status_code == 302
    public.refresh_from_db()
    assert public.status == S.MODERATION_REJECTED


def test_approving_something_already_sent_says_it_is_too_late(login, world):
    referral = prepare(world, S.SUBMITTED)
    response = login(world.admin).post(url("referrals:moderation_approve", referral), follow=True)
    assert "cette action n'est plus possible" in text(response)


def test_the_detail_page_offers_moderation_and_partner_validation(login, world, unvalidated):
    referral = prepare(world, S.MODERATION_PENDING)
    page = text(login(world.admin).get(url("referrals:detail", referral)))
    assert url("referrals:moderation_approve", referral) in page
    assert url("referrals:moderation_reject", referral) in page
    assert url("referrals:partner_validate", unvalidated) in page


def test_validating_the_partner_releases_its_waiting_referrals(login, world, unvalidated):
    first = prepare(world, S.MODERATION_PENDING)
    second = prepare(world, S.MODERATION_PENDING)
    client = login(world.admin)
    page = text(client.get(url("referrals:partner_validate", unvalidated)))
    assert "ses 2 bons d'orientation en attente partent vers leur espace" in page
    response = client.post(url("referrals:partner_validate", unvalidated))
    assert response.status_code == 302
    unvalidated.refresh_from_db()
    assert unvalidated.habilitation_status == HabilitationStatus.VALIDATED
    for referral in (first, second):
        referral.refresh_from_db()
        assert referral.status == S.SUBMITTED
    assert JournalEntry.objects.filter(action="partner.validated").count() == 1
