"""A network admin imports a list on behalf of one of the network's validated partners."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import NetworkFactory, PartnerFactory, SiteFactory
from tisser.accounts.enums import HabilitationStatus, Role
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.referrals import transitions
from tisser.referrals.enums import ReferralSource, ReferralStatus
from tisser.referrals.imports import services
from tisser.referrals.models import ImportBatch, Referral, ReferralEvent

CONTENT = (
    "prénom;nom;année de naissance;téléphone;code postal\r\n"
    "Anna;Müller;1985;06 12 34 56 78;67000\r\n"
    "Karim;Benali;1979;07 88 77 66 55;67100\r\n"
).encode()
INDEX = reverse("imports:index")
ABSURD_ID = "9" * 25


@pytest.fixture(autouse=True)
def imports_dir(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"


@pytest.fixture
def strasbourg(network):
    return SiteFactory(
        network=network,
        name="Espace Strasbourg",
        postal_code="67000",
        latitude=Decimal("48.58"),
        longitude=Decimal("7.75"),
    )


@pytest.fixture
def admin(network, member_factory, strasbourg):
    return member_factory(network, Role.NETWORK_ADMIN)


def page(response) -> str:
    return html.unescape(response.content.decode())


def upload():
    return SimpleUploadedFile("liste.csv", CONTENT, content_type="text/csv")


def test_the_partner_is_the_sender_and_the_admin_the_journal_actor(
    admin, partner, strasbourg, member_factory
):
    batch = services.import_prepare(
        actor=admin, file_name="liste.csv", content=CONTENT, partner=partner
    )
    assert batch.on_behalf_of == partner
    batch = services.import_confirm(actor=admin, batch=batch, notice_given=True)

    referrals = list(Referral.objects.order_by("pk"))
    assert len(referrals) == 2
    assert {(r.partner_id, r.referrer_id, r.source, r.status) for r in referrals} == {
        (partner.pk, None, ReferralSource.IMPORT, ReferralStatus.SUBMITTED)
    }
    entries = JournalEntry.objects.filter(action="referral.imported")
    assert set(entries.values_list("actor_id", flat=True)) == {admin.user_id}
    assert set(entries.values_list("object_id", flat=True)) == {str(r.pk) for r in referrals}
    confirmed = JournalEntry.objects.get(action="referral_import.confirmed")
    assert (confirmed.actor_id, confirmed.payload["partner"]) == (admin.user_id, partner.pk)
    events = ReferralEvent.objects.filter(referral__in=referrals)
    assert set(events.values_list("actor_id", "from_status", "to_status")) == {
        (admin.user_id, ReferralStatus.DRAFT, ReferralStatus.SUBMITTED)
    }
    # The partner's referrers act on these referrals as on their own.
    partner_referrer = member_factory(partner, Role.PARTNER_REFERRER)
    assert transitions.is_referrer_for(partner_referrer, referrals[0])


def test_the_same_person_is_not_imported_twice_for_the_partner(
    admin, partner, strasbourg, member_factory
):
    referrer = member_factory(partner, Role.PARTNER_REFERRER)
    own = services.import_prepare(actor=referrer, file_name="a.csv", content=CONTENT)
    services.import_confirm(actor=referrer, batch=own, notice_given=True)

    batch = services.import_prepare(
        actor=admin, file_name="liste.csv", content=CONTENT, partner=partner
    )
    batch = services.import_confirm(actor=admin, batch=batch, notice_given=True)
    assert (batch.created_count, batch.skipped_count) == (0, 2)
    assert Referral.objects.count() == 2  # already imported by the partner: nothing new


@pytest.mark.parametrize(
    "other",
    [
        lambda network: PartnerFactory(
            network=network, habilitation_status=HabilitationStatus.REFUSED
        ),
        lambda network: PartnerFactory(network=network, is_active=False),
        lambda network: PartnerFactory(network=NetworkFactory(name="Autre réseau")),
        lambda network: None,
    ],
    ids=["not-validated", "inactive", "other-network", "none"],
)
def test_the_service_refuses_a_partner_out_of_reach(admin, network, other):
    with pytest.raises(DomainError) as refused:
        services.import_prepare(
            actor=admin, file_name="liste.csv", content=CONTENT, partner=other(network)
        )
    assert "partenaire" in refused.value.message
    assert not ImportBatch.objects.exists()


def test_only_a_network_admin_imports_for_a_partner(partner, member_factory, strasbourg):
    manager = member_factory(strasbourg, Role.SITE_MANAGER)
    with pytest.raises(DomainError, match="administrateur du réseau"):
        services.import_prepare(
            actor=manager, file_name="liste.csv", content=CONTENT, partner=partner
        )
    assert not ImportBatch.objects.exists()


def test_the_page_lets_the_admin_choose_among_validated_partners(
    client, login, admin, partner, network
):
    pending = PartnerFactory(
        network=network,
        name="Partenaire en attente",
        habilitation_status=HabilitationStatus.NOT_SET,
    )
    foreign = PartnerFactory(network=NetworkFactory(name="Autre réseau"), name="Partenaire loin")
    login(admin)

    form = page(client.get(INDEX))
    assert "Partenaire qui oriente ces personnes" in form
    assert f'<option value="{partner.pk}">{partner.name}</option>' in form
    assert pending.name not in form and foreign.name not in form

    response = client.post(INDEX, {"file": upload(), "partner": partner.pk})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    preview = page(client.get(response["Location"]))
    assert f"Importée pour le partenaire {partner.name}" in preview
    done = client.post(
        reverse("imports:confirm", kwargs={"pk": batch.pk}), {"notice_given": "on"}, follow=True
    )
    assert "La liste est importée : 2 personne(s) orientée(s)" in page(done)
    assert f"pour {partner.name}" in page(done)
    assert set(Referral.objects.values_list("partner_id", flat=True)) == {partner.pk}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Choisissez le partenaire pour lequel vous importez la liste."),
        (ABSURD_ID, "Choisissez un partenaire validé du réseau dans la liste."),
        ("abc", "Choisissez un partenaire validé du réseau dans la liste."),
        ("pending", "Choisissez un partenaire validé du réseau dans la liste."),
        ("foreign", "Choisissez un partenaire validé du réseau dans la liste."),
    ],
)
def test_a_partner_out_of_scope_is_a_french_form_error(
    client, login, admin, network, value, message
):
    if value == "pending":
        value = PartnerFactory(network=network, habilitation_status=HabilitationStatus.NOT_SET).pk
    elif value == "foreign":
        value = PartnerFactory(network=NetworkFactory(name="Autre réseau")).pk
    login(admin)
    response = client.post(INDEX, {"file": upload(), "partner": value})
    assert response.status_code == 400
    assert message in page(response)
    assert not ImportBatch.objects.exists()
