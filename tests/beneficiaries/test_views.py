"""File pages: permissions (anonymous, wrong role, other site), happy paths, journal reads."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.beneficiaries.factories import BeneficiaryFactory, ConsentFactory
from tests.referrals.factories import ReferralFactory
from tisser.beneficiaries.models import Beneficiary, Consent
from tisser.core.models import JournalEntry

pytestmark = pytest.mark.django_db

NIR = "1 85 05 78 006 084 36"


def text(response):
    return html.unescape(response.content.decode())


def walk_in(**overrides):
    data = {
        "first_name": "Aïcha",
        "last_name": "Benali",
        "birth_year": "1984",
        "phone": "06 12 34 56 78",
        "email": "",
        "preferred_channel": "sms",
        "postal_code": "67000",
        "commune": "Strasbourg",
        "social_status": "sans_emploi",
        "is_jobseeker": "yes",
        "eligibility_criteria": ["RSA"],
        "nationality": "",
        "asylum_request": "unknown",
        "notice_given_on": timezone.localdate().isoformat(),
        "notice_version": "2026-11",
        "notice_confirmed": "on",
        "consents": ["photos"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def file(team):
    return BeneficiaryFactory(site=team.site, first_name="Sophie", last_name="Martin")


def file_urls(file):
    return [
        reverse(name, kwargs={"pk": file.pk})
        for name in ("beneficiaries:detail", "beneficiaries:edit", "beneficiaries:merge")
    ]


# --- permissions ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, file):
    for url in [reverse("beneficiaries:search"), reverse("beneficiaries:create"), *file_urls(file)]:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/" in response["Location"], url


@pytest.mark.parametrize("who", ["referrer", "funder_viewer"])
def test_partners_and_funders_get_403_everywhere(team, login, file, who):
    client = login(getattr(team, who))
    for url in [reverse("beneficiaries:search"), reverse("beneficiaries:create"), *file_urls(file)]:
        assert client.get(url).status_code == 403, url
    consent = reverse("beneficiaries:consent_give", kwargs={"pk": file.pk})
    assert client.post(consent, {"consent-kind": "photos"}).status_code == 403


def test_staff_of_another_site_gets_404(team, login, file):
    client = login(team.other_manager)
    for url in file_urls(file):
        assert client.get(url).status_code == 404, url
    assert not JournalEntry.objects.filter(action="beneficiary.viewed").exists()


def test_volunteers_read_and_create_but_do_not_edit_or_merge(team, login, file):
    client = login(team.volunteer)
    assert client.get(reverse("beneficiaries:search")).status_code == 200
    assert client.get(reverse("beneficiaries:create")).status_code == 200
    detail = client.get(file.get_absolute_url())
    assert detail.status_code == 200
    assert reverse("beneficiaries:edit", kwargs={"pk": file.pk}) not in text(detail)
    assert client.get(reverse("beneficiaries:edit", kwargs={"pk": file.pk})).status_code == 403
    assert client.get(reverse("beneficiaries:merge", kwargs={"pk": file.pk})).status_code == 403


def test_mediators_edit_but_do_not_merge(team, login, file):
    client = login(team.mediator)
    assert client.get(reverse("beneficiaries:edit", kwargs={"pk": file.pk})).status_code == 200
    assert client.get(reverse("beneficiaries:merge", kwargs={"pk": file.pk})).status_code == 403


# --- search ------------------------------------------------------------------------------


def test_search_page_finds_by_name_and_keeps_the_query_in_pagination(team, login):
    for index in range(55):
        BeneficiaryFactory(site=team.site, first_name=f"P{index:02d}", last_name="Müller")
    client = login(team.mediator)
    response = client.get(reverse("beneficiaries:search"), {"q": "muller"})
    assert response.status_code == 200
    body = text(response)
    assert "55 dossiers trouvés" in body
    assert "q=muller&page=2" in body
    assert response["Cache-Control"] == "no-store"


def test_search_page_queries_do_not_grow_with_rows(team, login):
    client = login(team.mediator)
    BeneficiaryFactory(site=team.site, last_name="Weber0")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("beneficiaries:search")).status_code == 200
        # The session's "last seen" write happens at most once a minute: not the page's doing.
        return len(
            [
                q
                for q in captured.captured_queries
                if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
            ]
        )

    # The session's first request also reads the second factor (then kept for 5 minutes).
    queries()
    few = queries()
    for index in range(1, 30):
        BeneficiaryFactory(site=team.site, last_name=f"Weber{index}")
    assert queries() == few


# --- create ------------------------------------------------------------------------------


def test_walk_in_creation_opens_the_file(team, login):
    client = login(team.volunteer)
    response = client.post(reverse("beneficiaries:create"), walk_in())
    beneficiary = Beneficiary.objects.get()
    assert response.status_code == 302
    assert response["Location"] == beneficiary.get_absolute_url()
    assert beneficiary.site == team.site
    assert beneficiary.phone == "+33612345678"
    assert beneficiary.is_jobseeker is True and beneficiary.asylum_request is None
    assert list(beneficiary.consents.values_list("kind", flat=True)) == ["photos"]


def test_a_possible_duplicate_is_shown_before_creating(team, login):
    existing = BeneficiaryFactory(
        site=team.site, first_name="Aicha", last_name="BENALI", birth_year=1984
    )
    client = login(team.mediator)
    response = client.post(reverse("beneficiaries:create"), walk_in())
    body = text(response)
    assert response.status_code == 400
    assert "a peut-être déjà un dossier" in body
    assert existing.file_number in body
    assert existing.get_absolute_url() in body  # "open this file"
    assert 'name="confirm_new"' in body
    assert Beneficiary.objects.count() == 1

    response = client.post(reverse("beneficiaries:create"), walk_in(confirm_new="on"))
    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


@pytest.mark.parametrize("field", ["first_name", "last_name", "commune"])
def test_nir_shaped_text_is_refused_with_a_clear_message(team, login, field):
    client = login(team.mediator)
    response = client.post(reverse("beneficiaries:create"), walk_in(**{field: f"x {NIR}"}))
    assert response.status_code == 400
    assert "semble contenir un numéro de sécurité sociale" in text(response)
    assert not Beneficiary.objects.exists()


def test_the_notice_must_be_given(team, login):
    client = login(team.mediator)
    response = client.post(
        reverse("beneficiaries:create"), walk_in(notice_confirmed=None, notice_given_on="")
    )
    body = text(response)
    assert "La notice d'information doit être remise" in body
    assert not Beneficiary.objects.exists()


def test_network_admin_chooses_the_site_and_others_cannot(team, login):
    client = login(team.admin)
    response = client.post(reverse("beneficiaries:create"), walk_in(site=str(team.other_site.pk)))
    assert response.status_code == 302
    assert Beneficiary.objects.get().site == team.other_site

    # Site staff have no choice: a forged site is ignored, the file goes to their own site.
    client = login(team.mediator)
    client.post(
        reverse("beneficiaries:create"),
        walk_in(site=str(team.other_site.pk), first_name="Paul", last_name="Klein"),
    )
    assert Beneficiary.objects.get(first_name="Paul").site == team.site


# --- detail, edit, consents ----------------------------------------------------------------


def test_opening_a_file_shows_it_and_journals_the_read(team, login, file):
    ConsentFactory(beneficiary=file, kind="photos")
    ReferralFactory(site=team.site, submitted=True, beneficiary=file)
    client = login(team.mediator)
    response = client.get(file.get_absolute_url())
    body = text(response)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert file.file_number in body
    assert "Apparaître sur des photos" in body
    assert "Dossier ouvert" in body  # the timeline
    [entry] = JournalEntry.objects.filter(action="beneficiary.viewed")
    assert entry.actor == team.mediator.user
    assert entry.object_id == str(file.pk)
    assert entry.site_id == team.site.pk


def test_edit_saves_the_changes(team, login, file):
    client = login(team.mediator)
    data = walk_in(first_name="Sophie", last_name="Martin-Klein", consents=None)
    response = client.post(reverse("beneficiaries:edit", kwargs={"pk": file.pk}), data)
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.last_name == "Martin-Klein"
    assert file.search_key == "martin klein sophie"


def test_edit_refuses_nir_text_and_changes_nothing(team, login, file):
    client = login(team.mediator)
    data = walk_in(first_name="Sophie", last_name=f"Martin {NIR}")
    response = client.post(reverse("beneficiaries:edit", kwargs={"pk": file.pk}), data)
    assert response.status_code == 400
    assert "numéro de sécurité sociale" in text(response)
    file.refresh_from_db()
    assert file.last_name == "Martin"


def test_consents_are_given_and_withdrawn_from_the_file(team, login, file):
    client = login(team.volunteer)
    give = reverse("beneficiaries:consent_give", kwargs={"pk": file.pk})
    withdraw = reverse("beneficiaries:consent_withdraw", kwargs={"pk": file.pk})
    assert client.get(give).status_code == 405
    assert client.post(give, {"consent-kind": "news_sms"}).status_code == 302
    assert client.post(withdraw, {"consent-kind": "news_sms"}).status_code == 302
    consent = Consent.objects.get()
    assert consent.withdrawn_at is not None
    response = client.post(withdraw, {"consent-kind": "news_sms"}, follow=True)
    assert "rien à retirer" in text(response)


# --- merge -------------------------------------------------------------------------------


def test_merge_page_offers_candidates_and_merges(team, login, file):
    duplicate = BeneficiaryFactory(
        site=team.site, first_name="Sophie", last_name="Matrin", birth_year=file.birth_year
    )
    referral = ReferralFactory(site=team.site, submitted=True, beneficiary=duplicate)
    client = login(team.manager)
    url = reverse("beneficiaries:merge", kwargs={"pk": file.pk})
    page = client.get(url)
    assert duplicate.file_number in text(page)

    refused = client.post(url, {"duplicate": duplicate.pk, "reason": "Même personne"})
    assert refused.status_code == 400
    assert "Cochez la case" in text(refused)

    response = client.post(
        url, {"duplicate": duplicate.pk, "reason": "Même personne", "confirm": "on"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    referral.refresh_from_db()
    assert duplicate.merged_into == file
    assert referral.beneficiary == file


def test_merge_by_file_number_is_limited_to_the_members_files(team, login, file):
    elsewhere = BeneficiaryFactory(site=team.other_site)
    client = login(team.manager)
    url = reverse("beneficiaries:merge", kwargs={"pk": file.pk})
    response = client.post(
        url, {"file_number": elsewhere.file_number, "reason": "Même personne", "confirm": "on"}
    )
    assert response.status_code == 400
    assert "Aucun dossier actif de vos espaces" in text(response)
    elsewhere.refresh_from_db()
    assert elsewhere.merged_into is None


def test_a_merged_file_shows_where_it_went(team, login, file):
    merged = BeneficiaryFactory(site=team.site, merged_into=file)
    client = login(team.mediator)
    body = text(client.get(merged.get_absolute_url()))
    assert "fusionné dans le dossier" in body
    assert file.get_absolute_url() in body
    assert client.get(reverse("beneficiaries:edit", kwargs={"pk": merged.pk})).status_code == 302
