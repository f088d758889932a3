from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import (
    FunderFactory,
    MembershipFactory,
    OpeningHoursFactory,
    PartnerFactory,
    SiteFactory,
    UserFactory,
)
from tisser.accounts import services
from tisser.accounts.enums import HabilitationStatus, PartnerKind, PlaceService, Role
from tisser.accounts.models import (
    Funder,
    Invitation,
    Membership,
    OpeningHours,
    Partner,
    Site,
    User,
)
from tisser.core.models import JournalEntry
from tisser.core.views_helpers import PAGE_SIZE

STRONG_PASSWORD = "une-phrase-longue-et-rare-42"
VALID_SIRET = "73282932000074"
GONE = "Ce lien n'est plus valable"


@pytest.fixture
def site_manager(site, member_factory):
    return member_factory(site, Role.SITE_MANAGER)


def text(response):
    return response.content.decode()


def hours_post(**slots):
    """The opening-hours grid as posted: ``d0_s1_opens="09:00"`` etc., all others empty."""
    data = {}
    for day in range(7):
        for slot in (1, 2):
            for edge in ("opens", "closes"):
                name = f"d{day}_s{slot}_{edge}"
                data[f"hours-{name}"] = slots.get(name, "")
    return data


def site_post(**overrides):
    data = {
        "name": "Espace Hautepierre",
        "short_code": "hpr",
        "address": "5 place Erasme",
        "postal_code": "67200",
        "city": "Strasbourg",
        "latitude": "48.5920",
        "longitude": "7.6970",
        "phone": "03.88.10.20.30",
        "email": "hautepierre@exemple.fr",
        "accessibility_notes": "Ascenseur.",
        "services": [PlaceService.AIDE_DEMARCHES, PlaceService.MATERIEL_SOLIDAIRE],
        "is_active": "on",
        **hours_post(d0_s1_opens="09:00", d0_s1_closes="12:00", d4_s2_opens="14:00"),
    }
    data["hours-d4_s2_closes"] = "17:00"
    data.update(overrides)
    return data


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def assert_constant_queries(client, url, add_rows):
    client.get(url)  # warm-up: the session's first write happens here
    few = count_queries(client, url)
    add_rows()
    many = count_queries(client, url)
    assert few == many


# --- permissions ---------------------------------------------------------------------------

STAFF_URLS = [
    ("accounts:site_list", {}),
    ("accounts:site_create", {}),
    ("accounts:partner_list", {}),
    ("accounts:partner_create", {}),
    ("accounts:funder_list", {}),
    ("accounts:funder_create", {}),
    ("accounts:member_list", {}),
    ("accounts:member_invite", {}),
    ("accounts:invitation_list", {}),
]
ADMIN_ONLY = [
    name for name, _ in STAFF_URLS if not name.startswith(("accounts:member", "accounts:inv"))
]


@pytest.mark.parametrize("name, kwargs", STAFF_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name, kwargs", STAFF_URLS)
def test_mediators_get_403_on_management_pages(login, mediator, name, kwargs):
    response = login(mediator).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ADMIN_ONLY)
def test_site_managers_get_403_on_network_pages(login, site_manager, name):
    assert login(site_manager).get(reverse(name)).status_code == 403


def test_site_manager_gets_404_on_another_sites_objects(
    login, site_manager, other_site, member_factory, partner, funder
):
    stranger = member_factory(other_site, Role.MEDIATOR)
    invitation = Invitation.objects.create(
        organisation=other_site,
        email="x@exemple.fr",
        role=Role.MEDIATOR,
        token_hash="a" * 64,
        expires_at=timezone.now() + timedelta(days=1),
        invited_by=stranger.user,
    )
    client = login(site_manager)
    urls = [
        reverse("accounts:site_edit", kwargs={"pk": other_site.pk}),
        reverse("accounts:member_role", kwargs={"pk": stranger.pk}),
        reverse("accounts:member_deactivate", kwargs={"pk": stranger.pk}),
        reverse("accounts:member_reactivate", kwargs={"pk": stranger.pk}),
        reverse("accounts:invitation_revoke", kwargs={"pk": invitation.pk}),
        reverse("accounts:partner_edit", kwargs={"pk": partner.pk}),
        reverse("accounts:funder_edit", kwargs={"pk": funder.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    stranger.refresh_from_db()
    assert stranger.is_active


def test_mediator_gets_403_on_their_own_sites_edit_page(login, mediator, site):
    response = login(mediator).get(reverse("accounts:site_edit", kwargs={"pk": site.pk}))
    assert response.status_code == 403


def test_navigation_depends_on_the_role(login, network_admin, site_manager):
    admin_page = text(login(network_admin).get(reverse("workspace:home")))
    assert reverse("accounts:site_list") in admin_page
    assert reverse("accounts:partner_list") in admin_page
    assert reverse("accounts:member_list") in admin_page

    manager_page = text(login(site_manager).get(reverse("workspace:home")))
    assert f'href="{reverse("accounts:site_list")}"' not in manager_page
    assert reverse("accounts:site_edit", kwargs={"pk": site_manager.organisation_id}) in (
        manager_page
    )
    assert reverse("accounts:member_list") in manager_page


# --- sites ----------------------------------------------------------------------------------


def test_site_list_is_paginated_with_constant_queries(login, network_admin, network, site):
    OpeningHoursFactory(site=site)
    client = login(network_admin)
    url = reverse("accounts:site_list")
    assert site.name in text(client.get(url))

    def add_rows():
        for _ in range(29):
            OpeningHoursFactory(site=SiteFactory(network=network))

    assert_constant_queries(client, url, add_rows)


def test_site_list_pages_hold_a_page_of_sites(login, network_admin, network):
    for index in range(PAGE_SIZE + 1):
        SiteFactory(network=network, name=f"Espace {index:03d}", city="Colmar")
    client = login(network_admin)
    first = text(client.get(reverse("accounts:site_list")))
    second = text(client.get(reverse("accounts:site_list") + "?page=2"))
    last_of_first, first_of_second = f"Espace {PAGE_SIZE - 1:03d}", f"Espace {PAGE_SIZE:03d}"
    assert last_of_first in first and first_of_second not in first
    assert first_of_second in second
    assert "Page 2 sur 2" in second


def test_network_admin_creates_a_site_from_the_form(login, network_admin):
    response = login(network_admin).post(reverse("accounts:site_create"), site_post())

    assert response.status_code == 302
    site = Site.objects.get(short_code="HPR")
    assert site.phone == "03 88 10 20 30"
    assert site.services == [PlaceService.AIDE_DEMARCHES, PlaceService.MATERIEL_SOLIDAIRE]
    assert [
        (h.weekday, f"{h.opens_at:%H:%M}", f"{h.closes_at:%H:%M}") for h in site.opening_hours.all()
    ] == [(0, "09:00", "12:00"), (4, "14:00", "17:00")]
    assert JournalEntry.objects.filter(action="site.created", object_id=str(site.pk)).exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"hours-d1_s1_opens": "12:00", "hours-d1_s1_closes": "09:00"},
            "Mardi, créneau 1 : l&#x27;heure de fermeture doit être après l&#x27;heure d&#x27;ouverture.",
        ),
        (
            {"hours-d2_s1_opens": "09:00"},
            "Mercredi, créneau 1 : indiquez l&#x27;heure de fermeture.",
        ),
        (
            {
                "hours-d3_s1_opens": "09:00",
                "hours-d3_s1_closes": "13:00",
                "hours-d3_s2_opens": "12:00",
                "hours-d3_s2_closes": "17:00",
            },
            "Jeudi : le second créneau doit commencer après la fin du premier.",
        ),
        ({"hours-d5_s1_opens": "9h"}, "Indiquez une heure au format HH:MM"),
        ({"postal_code": "6700"}, "Le code postal doit comporter 5 chiffres"),
        ({"latitude": "123"}, "inférieure ou égale à 90"),
        ({"phone": "12"}, "Indiquez un numéro de téléphone à 10 chiffres"),
        ({"name": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_site_input_gets_a_french_message_and_creates_nothing(
    login, network_admin, overrides, message
):
    response = login(network_admin).post(reverse("accounts:site_create"), site_post(**overrides))

    assert response.status_code == 200
    assert message in text(response)
    assert "Le formulaire contient des erreurs" in text(response)
    assert not Site.objects.filter(short_code="HPR").exists()
    assert not OpeningHours.objects.exists()


def test_duplicate_short_code_is_explained(login, network_admin, site):
    response = login(network_admin).post(
        reverse("accounts:site_create"), site_post(short_code=site.short_code)
    )
    assert "Ce code court est déjà utilisé par un autre espace." in text(response)


def test_site_edit_form_shows_current_hours(login, network_admin, site):
    OpeningHoursFactory(site=site, weekday=2)
    page = text(login(network_admin).get(reverse("accounts:site_edit", kwargs={"pk": site.pk})))
    assert 'name="hours-d2_s1_opens" value="09:00"' in page
    assert 'name="hours-d2_s1_closes" value="12:30"' in page
    assert 'for="id_hours-d2_s1_opens"' in page


def test_site_manager_edits_their_own_site_but_not_its_name(login, site_manager, site):
    client = login(site_manager)
    url = reverse("accounts:site_edit", kwargs={"pk": site.pk})
    page = text(client.get(url))
    assert 'name="name"' not in page and 'name="short_code"' not in page

    response = client.post(
        url,
        site_post(
            name="Nom piraté",
            short_code="PIR",
            address=site.address,
            postal_code=site.postal_code,
            city=site.city,
            phone="0388998877",
        ),
    )

    assert response.status_code == 302
    site.refresh_from_db()
    assert site.phone == "03 88 99 88 77"
    assert site.name != "Nom piraté" and site.short_code != "PIR"
    assert site.opening_hours.count() == 2
    entry = JournalEntry.objects.get(action="site.updated")
    assert "name" not in entry.payload["fields"]
    assert "opening_hours" in entry.payload["fields"]


# --- partners and funders ------------------------------------------------------------------------


def test_partner_list_filters_by_kind_and_habilitation(login, network_admin, network):
    PartnerFactory(network=network, name="CAF du Bas-Rhin", partner_kind=PartnerKind.CAF)
    PartnerFactory(
        network=network,
        name="Foyer Notre-Dame",
        partner_kind=PartnerKind.CHRS,
        habilitation_status=HabilitationStatus.NOT_SET,
    )
    client = login(network_admin)
    url = reverse("accounts:partner_list")

    by_kind = text(client.get(url, {"partner_kind": "CAF"}))
    assert "CAF du Bas-Rhin" in by_kind and "Foyer Notre-Dame" not in by_kind
    pending = text(client.get(url, {"habilitation_status": "NOT_SET"}))
    assert "Foyer Notre-Dame" in pending and "CAF du Bas-Rhin" not in pending
    everything = text(client.get(url, {"partner_kind": "inconnu"}))
    assert "Foyer Notre-Dame" in everything


def test_partner_list_runs_constant_queries(login, network_admin, network):
    PartnerFactory(network=network)
    client = login(network_admin)
    assert_constant_queries(
        client,
        reverse("accounts:partner_list"),
        lambda: PartnerFactory.create_batch(29, network=network),
    )


def test_network_admin_creates_a_partner_with_a_spaced_siret(login, network_admin):
    response = login(network_admin).post(
        reverse("accounts:partner_create"),
        {
            "name": "Mission locale de Strasbourg",
            "partner_kind": PartnerKind.ML,
            "siret": "732 829 320 00074",
            "territory": "Strasbourg",
            "habilitation_status": HabilitationStatus.NOT_REQUIRED,
            "email": "contact@ml.exemple.fr",
            "phone": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    partner = Partner.objects.get(name="Mission locale de Strasbourg")
    assert partner.siret == VALID_SIRET
    assert partner.habilitation_status == "NOT_REQUIRED"


def test_wrong_siret_is_refused_in_french(login, network_admin):
    response = login(network_admin).post(
        reverse("accounts:partner_create"),
        {
            "name": "X",
            "partner_kind": PartnerKind.CCAS,
            "siret": "12345678901234",
            "habilitation_status": HabilitationStatus.NOT_SET,
        },
    )
    assert response.status_code == 200
    assert "Ce numéro SIRET n&#x27;est pas valide" in text(response)
    assert not Partner.objects.exists()


def test_network_admin_edits_a_partner(login, network_admin, partner):
    response = login(network_admin).post(
        reverse("accounts:partner_edit", kwargs={"pk": partner.pk}),
        {
            "name": partner.name,
            "partner_kind": partner.partner_kind,
            "siret": "",
            "territory": "Eurométropole",
            "habilitation_status": HabilitationStatus.REFUSED,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.habilitation_status == "REFUSED"
    assert JournalEntry.objects.get(action="partner.updated").payload["habilitation_status"] == (
        "REFUSED"
    )


def test_funders_are_listed_created_and_edited(login, network_admin, network):
    client = login(network_admin)
    response = client.post(
        reverse("accounts:funder_create"),
        {"name": "Ville de Strasbourg", "funder_kind": "city", "is_active": "on"},
    )
    assert response.status_code == 302
    funder = Funder.objects.get(name="Ville de Strasbourg")
    assert "Ville de Strasbourg" in text(client.get(reverse("accounts:funder_list")))

    client.post(
        reverse("accounts:funder_edit", kwargs={"pk": funder.pk}),
        {"name": "Ville de Strasbourg", "funder_kind": "city", "is_donor": "on", "is_active": "on"},
    )
    funder.refresh_from_db()
    assert funder.is_donor is True
    assert_constant_queries(
        client,
        reverse("accounts:funder_list"),
        lambda: FunderFactory.create_batch(29, network=network),
    )


# --- members ---------------------------------------------------------------------------------


def test_site_manager_sees_only_their_site_members(login, site_manager, mediator, other_site):
    stranger = MembershipFactory(organisation=other_site, role=Role.MEDIATOR)
    page = text(login(site_manager).get(reverse("accounts:member_list")))
    assert mediator.user.email in page
    assert stranger.user.email not in page


def test_network_admin_filters_members_by_organisation(login, network_admin, mediator, other_site):
    stranger = MembershipFactory(organisation=other_site, role=Role.MEDIATOR)
    client = login(network_admin)
    everyone = text(client.get(reverse("accounts:member_list")))
    assert mediator.user.email in everyone and stranger.user.email in everyone

    filtered = text(client.get(reverse("accounts:member_list"), {"organisation": other_site.pk}))
    assert stranger.user.email in filtered and mediator.user.email not in filtered


def test_member_list_runs_constant_queries(login, network_admin, site, partner):
    client = login(network_admin)

    def add_rows():
        MembershipFactory.create_batch(15, organisation=site, role=Role.VOLUNTEER)
        MembershipFactory.create_batch(14, organisation=partner, role=Role.PARTNER_REFERRER)

    assert_constant_queries(client, reverse("accounts:member_list"), add_rows)


def test_changing_a_role_from_the_page(login, site_manager, mediator):
    client = login(site_manager)
    url = reverse("accounts:member_role", kwargs={"pk": mediator.pk})
    page = text(client.get(url))
    assert 'value="partner_referrer"' not in page  # only roles that fit a site

    response = client.post(url, {"role": Role.VOLUNTEER})

    assert response.status_code == 302
    mediator.refresh_from_db()
    assert mediator.role == Role.VOLUNTEER


def test_last_site_manager_is_told_why_they_cannot_step_down(login, site_manager):
    response = login(site_manager).post(
        reverse("accounts:member_role", kwargs={"pk": site_manager.pk}), {"role": Role.MEDIATOR}
    )
    assert response.status_code == 200
    assert "dernier responsable actif" in text(response)
    site_manager.refresh_from_db()
    assert site_manager.role == Role.SITE_MANAGER


def test_deactivate_and_reactivate_from_the_pages(login, site_manager, mediator):
    client = login(site_manager)
    deactivate = reverse("accounts:member_deactivate", kwargs={"pk": mediator.pk})
    assert "Désactiver ce membre" in text(client.get(deactivate))
    mediator.refresh_from_db()
    assert mediator.is_active  # a GET changes nothing

    assert client.post(deactivate).status_code == 302
    mediator.refresh_from_db()
    assert mediator.is_active is False

    assert (
        client.post(reverse("accounts:member_reactivate", kwargs={"pk": mediator.pk})).status_code
        == 302
    )
    mediator.refresh_from_db()
    assert mediator.is_active is True


def test_site_manager_cannot_deactivate_themselves(login, site_manager):
    response = login(site_manager).post(
        reverse("accounts:member_deactivate", kwargs={"pk": site_manager.pk})
    )
    assert response.status_code == 400
    assert "Vous ne pouvez pas désactiver votre propre accès." in text(response)
    site_manager.refresh_from_db()
    assert site_manager.is_active


# --- invitations ---------------------------------------------------------------------------------


def send_invitation(client, organisation, role, email, capture):
    with capture(execute=True):
        response = client.post(
            reverse("accounts:member_invite"),
            {"email": email, "organisation": organisation.pk, "role": role},
        )
    assert response.status_code == 302, text(response)
    body = mail.outbox[-1].body
    link = next(line for line in body.splitlines() if "/invitation/" in line).strip()
    return link.removeprefix(settings.PUBLIC_BASE_URL.rstrip("/"))


def test_invitation_end_to_end_for_a_new_site_manager(
    client, login, network_admin, site, django_capture_on_commit_callbacks
):
    admin_client = login(network_admin)
    path = send_invitation(
        admin_client, site, Role.SITE_MANAGER, "Chef@Exemple.fr", django_capture_on_commit_callbacks
    )
    assert mail.outbox[-1].to == ["chef@exemple.fr"]
    pending = text(admin_client.get(reverse("accounts:invitation_list")))
    assert "chef@exemple.fr" in pending
    admin_client.logout()

    form = client.get(path)
    assert form.status_code == 200
    assert "Créer votre compte" in text(form)
    assert form["Cache-Control"] == "no-store"

    response = client.post(
        path,
        {
            "first_name": "Camille",
            "last_name": "Meyer",
            "password1": STRONG_PASSWORD,
            "password2": STRONG_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    user = User.objects.get(email="chef@exemple.fr")
    assert Membership.objects.get(user=user).role == Role.SITE_MANAGER
    # Signed in, and a site manager must enrol a second factor before anything else.
    home = client.get(reverse("workspace:home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("mfa_index")
    # One time only.
    again = client.get(path)
    assert again.status_code == 410
    assert GONE in text(again)


def test_invitation_form_refuses_a_role_that_does_not_fit(login, network_admin, partner):
    response = login(network_admin).post(
        reverse("accounts:member_invite"),
        {"email": "a@exemple.fr", "organisation": partner.pk, "role": Role.MEDIATOR},
    )
    assert response.status_code == 200
    assert "Ce rôle ne convient pas" in text(response)
    assert not Invitation.objects.exists()


def test_invitation_of_an_active_member_is_refused_in_french(login, network_admin, mediator):
    response = login(network_admin).post(
        reverse("accounts:member_invite"),
        {
            "email": mediator.user.email,
            "organisation": mediator.organisation_id,
            "role": "mediator",
        },
    )
    assert response.status_code == 200
    assert "déjà membre active de cette organisation" in text(response)
    assert not Invitation.objects.exists()


def test_site_manager_only_offers_their_site_and_site_roles(login, site_manager, other_site):
    page = text(login(site_manager).get(reverse("accounts:member_invite")))
    assert other_site.name not in page
    assert 'value="network_admin"' not in page
    assert 'value="volunteer"' in page


def make_invitation(actor, organisation, email="nouvelle@exemple.fr", role=Role.MEDIATOR):
    return services.member_invite(actor=actor, organisation=organisation, email=email, role=role)


def accept_path(token):
    return reverse("invitations:accept", kwargs={"token": token})


def new_account(first_name="Lina"):
    return {
        "first_name": first_name,
        "last_name": "Weber",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }


@pytest.mark.parametrize("state", ["unknown", "expired", "revoked", "used"])
def test_dead_links_get_the_same_page_and_change_nothing(client, network_admin, site, state):
    invitation, token = make_invitation(network_admin, site)
    if state == "unknown":
        token = "n-importe-quoi"
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif state == "revoked":
        services.invitation_revoke(actor=network_admin, invitation=invitation)
    else:
        services.invitation_accept(
            token=token, first_name="A", last_name="B", password=STRONG_PASSWORD
        )
    users_before = User.objects.count()

    for response in (
        client.get(accept_path(token)),
        client.post(accept_path(token), new_account()),
    ):
        assert response.status_code == 410
        assert GONE in text(response)
    assert User.objects.count() == users_before


def test_double_submit_creates_one_membership(client, network_admin, site):
    _, token = make_invitation(network_admin, site)
    first = client.post(accept_path(token), new_account())
    client.logout()
    second = client.post(accept_path(token), new_account("Autre"))

    assert first.status_code == 302
    assert second.status_code == 410
    assert User.objects.filter(email="nouvelle@exemple.fr").count() == 1
    assert (
        Membership.objects.filter(organisation=site, user__email="nouvelle@exemple.fr").count() == 1
    )


def test_weak_or_mismatched_passwords_are_explained(client, network_admin, site):
    _, token = make_invitation(network_admin, site)
    short = client.post(
        accept_path(token), {**new_account(), "password1": "court", "password2": "court"}
    )
    assert "trop court" in text(short)
    mismatch = client.post(accept_path(token), {**new_account(), "password2": "autre-chose-encore"})
    assert "Les deux mots de passe ne sont pas identiques." in text(mismatch)
    assert not User.objects.filter(email="nouvelle@exemple.fr").exists()


def test_existing_account_must_sign_in_then_accepts_with_one_button(
    client, login, network_admin, site, partner
):
    existing = MembershipFactory(organisation=partner, role=Role.PARTNER_REFERRER)
    _, token = make_invitation(network_admin, site, email=existing.user.email, role=Role.VOLUNTEER)

    anonymous = client.get(accept_path(token))
    assert anonymous.status_code == 200
    page = text(anonymous)
    assert "Un compte existe déjà" in page
    assert "next=%2Finvitation%2F" in page
    refused = client.post(accept_path(token), new_account())
    assert refused.status_code == 200
    assert not Membership.objects.filter(organisation=site).exists()

    signed_in = login(existing)
    assert "Accepter et rejoindre" in text(signed_in.get(accept_path(token)))
    response = signed_in.post(accept_path(token))

    assert response.status_code == 302
    joined = Membership.objects.get(organisation=site, user=existing.user)
    assert joined.role == Role.VOLUNTEER
    assert signed_in.session["current_membership_id"] == joined.pk
    assert signed_in.post(accept_path(token)).status_code == 410
    assert Membership.objects.filter(organisation=site, user=existing.user).count() == 1


def test_signed_in_as_someone_else_is_refused(login, network_admin, site, mediator):
    _, token = make_invitation(network_admin, site, email="autre@exemple.fr")
    client = login(mediator)
    response = client.post(accept_path(token), new_account())
    assert response.status_code == 403
    assert "autre@exemple.fr" in text(response)
    assert not User.objects.filter(email="autre@exemple.fr").exists()


def test_revoking_from_the_page(login, site_manager, site):
    invitation, _ = make_invitation(site_manager, site)
    client = login(site_manager)
    url = reverse("accounts:invitation_revoke", kwargs={"pk": invitation.pk})
    assert invitation.email in text(client.get(url))

    assert client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    again = client.post(url)
    assert again.status_code == 400
    assert "n&#x27;est plus en attente" in text(again)


def test_invitation_list_runs_constant_queries(login, network_admin, site):
    make_invitation(network_admin, site, email="premier@exemple.fr")

    def add_rows():
        for index in range(29):
            make_invitation(network_admin, site, email=f"invite{index}@exemple.fr")

    assert_constant_queries(login(network_admin), reverse("accounts:invitation_list"), add_rows)


def test_the_invited_user_exists_only_once_even_with_another_case(client, network_admin, site):
    UserFactory(email="majuscule@exemple.fr")
    _, token = make_invitation(network_admin, site, email="MAJUSCULE@exemple.fr")
    response = client.post(accept_path(token), new_account())
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="majuscule@exemple.fr").count() == 1


def test_site_manager_writes_what_to_bring_and_a_description_shown_publicly(
    login, client, site_manager, site
):
    url = reverse("accounts:site_edit", kwargs={"pk": site.pk})
    manager = login(site_manager)
    page = text(manager.get(url))
    # The default is in the box, ready to adapt.
    assert "Votre pièce d" in page and 'name="what_to_bring"' in page
    response = manager.post(
        url,
        site_post(
            address=site.address,
            postal_code=site.postal_code,
            city=site.city,
            description="Au pied de la tour B.",
            what_to_bring="Votre avis d'imposition.",
        ),
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.what_to_bring == "Votre avis d'imposition."
    assert site.description == "Au pied de la tour B."
    entry = JournalEntry.objects.get(action="site.updated")
    assert {"description", "what_to_bring"} <= set(entry.payload["fields"])


def test_what_to_bring_is_bounded(login, site_manager, site):
    url = reverse("accounts:site_edit", kwargs={"pk": site.pk})
    response = login(site_manager).post(
        url,
        site_post(
            address=site.address,
            postal_code=site.postal_code,
            city=site.city,
            what_to_bring="x" * 1001,
        ),
    )
    assert response.status_code == 200  # the form again, with its error
    assert "comporte au plus" in response.content.decode()
    site.refresh_from_db()
    assert site.what_to_bring.startswith("Votre pièce d")


# --- the space's SIRET, the national places standard's « pivot » (issue 16, helper PUBLIC) ---


def test_network_admin_gives_a_site_its_siret_typed_with_spaces(login, network_admin):
    response = login(network_admin).post(
        reverse("accounts:site_create"), site_post(siret="999 000 009 00129")
    )
    assert response.status_code == 302
    assert Site.objects.get(short_code="HPR").siret == "99900000900129"


def test_a_wrong_siret_is_explained_and_creates_nothing(login, network_admin):
    response = login(network_admin).post(
        reverse("accounts:site_create"), site_post(siret="99900000900128")
    )
    assert response.status_code == 200
    assert "Ce numéro SIRET n&#x27;est pas valide" in text(response)
    assert not Site.objects.filter(short_code="HPR").exists()


def test_a_site_manager_does_not_see_the_siret_field(login, site_manager, site):
    url = reverse("accounts:site_edit", kwargs={"pk": site.pk})
    assert 'name="siret"' not in text(login(site_manager).get(url))
