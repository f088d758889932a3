"""The « Anonymiser ce dossier » action: who sees it, the confirmation page, the result."""

import pytest
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.beneficiaries.models import Beneficiary

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def file(team):
    return BeneficiaryFactory(site=team.site, first_name="Awa", last_name="Diallo")


def url(file):
    return reverse("beneficiaries:anonymise", kwargs={"pk": file.pk})


def test_an_anonymous_visitor_is_sent_to_sign_in(client, file):
    response = client.get(url(file))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(url(file)).status_code == 302
    assert Beneficiary.objects.get(pk=file.pk).anonymised_at is None


@pytest.mark.parametrize("who", ["mediator", "volunteer", "referrer", "funder_viewer"])
def test_other_roles_may_not_and_do_not_see_the_button(team, login, file, who):
    client = login(getattr(team, who))
    assert client.get(url(file)).status_code == 403
    assert client.post(url(file)).status_code == 403
    if who in ("mediator", "volunteer"):
        assert url(file) not in text(client.get(file.get_absolute_url()))
    assert Beneficiary.objects.get(pk=file.pk).anonymised_at is None


def test_a_file_of_another_site_or_network_is_not_found(team, login):
    elsewhere = BeneficiaryFactory(site=team.other_site)
    assert login(team.manager).post(url(elsewhere)).status_code in (403, 404)
    foreign = BeneficiaryFactory(site=team.foreign_site)
    assert login(team.admin).post(url(foreign)).status_code == 404
    assert not Beneficiary.objects.filter(anonymised_at__isnull=False).exists()


def test_the_manager_confirms_then_the_file_is_anonymised(team, login, file):
    client = login(team.manager)
    detail = client.get(file.get_absolute_url())
    assert "Anonymiser ce dossier" in text(detail) and url(file) in text(detail)
    page = client.get(url(file))
    assert page.status_code == 200
    assert "définitif" in text(page)
    response = client.post(url(file))
    assert response.status_code == 302 and response["Location"] == file.get_absolute_url()
    file.refresh_from_db()
    assert (file.first_name, file.last_name, file.anonymised_at is not None) == (
        "Anonyme",
        "",
        True,
    )
    after = client.get(file.get_absolute_url())
    assert "Diallo" not in text(after) and url(file) not in text(after)
    again = client.post(url(file))
    assert again.status_code == 400 and "déjà anonymisé" in text(again)


def test_the_network_admin_may_too(team, login, file):
    assert login(team.admin).post(url(file)).status_code == 302
    assert Beneficiary.objects.get(pk=file.pk).anonymised_at is not None
