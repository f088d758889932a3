from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import PartnerFactory, SiteFactory
from tisser.accounts.enums import Role
from tisser.core.views_helpers import PAGE_SIZE
from tisser.referrals.imports import services, store
from tisser.referrals.models import ImportBatch, Referral

HEADER = "prénom;nom;année de naissance;téléphone;email;code postal;commune;demandeur d'emploi"
ROWS = [
    "Anna;Müller;1985;06 12 34 56 78;;67000;Strasbourg;oui",
    "Karim;Benali;1979;07 88 77 66 55;;75020;Paris;non",
]
INDEX = reverse("imports:index")


def upload(content: bytes, name="liste.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def csv_file(rows=ROWS, encoding="cp1252"):
    return upload(("\r\n".join([HEADER, *rows]) + "\r\n").encode(encoding))


@pytest.fixture(autouse=True)
def imports_dir(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"


@pytest.fixture
def sites(network):
    return (
        SiteFactory(
            network=network,
            name="Espace Strasbourg",
            postal_code="67000",
            latitude=Decimal("48.58"),
            longitude=Decimal("7.75"),
        ),
        SiteFactory(
            network=network,
            name="Espace Paris",
            postal_code="75020",
            city="Paris",
            latitude=Decimal("48.86"),
            longitude=Decimal("2.38"),
        ),
    )


@pytest.fixture
def referrer(partner, sites, member_factory):
    return member_factory(partner, Role.PARTNER_REFERRER)


def test_upload_preview_confirm(client, login, referrer, sites):
    login(referrer)
    page = client.get(INDEX)
    assert page.status_code == 200
    assert "Importer une liste de personnes à orienter" in page.content.decode()

    response = client.post(INDEX, {"file": csv_file()})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:preview", kwargs={"pk": batch.pk})

    preview = client.get(response["Location"]).content.decode()
    assert "Aperçu de la liste « liste.csv »" in preview
    assert "2 lignes lues." in preview
    assert "encodage Windows-1252 (Latin-1)" in preview
    assert "2 personnes seront orientées." in preview
    assert "Müller" in preview
    assert "Espace Paris : 1" in preview
    assert "Orienter 2 personnes" in preview
    assert not Referral.objects.exists()

    confirm = reverse("imports:confirm", kwargs={"pk": batch.pk})
    refused = client.post(confirm, {})
    assert refused.status_code == 400
    assert "Confirmez que les personnes de la liste ont reçu la notice" in refused.content.decode()
    assert not Referral.objects.exists()

    done = client.post(confirm, {"notice_given": "on"}, follow=True)
    assert done.redirect_chain == [(INDEX, 302)]
    text = done.content.decode()
    assert "La liste est importée : 2 personne(s) orientée(s)" in text
    assert "Importée : 2 créée(s), 0 ignorée(s)" in text
    assert Referral.objects.count() == 2

    # The same file again: a clear message, nothing created.
    again = client.post(INDEX, {"file": csv_file()})
    assert again.status_code == 400
    assert "Ce fichier a déjà été importé le" in again.content.decode()
    assert Referral.objects.count() == 2
    # The old preview now says it is done.
    assert client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).status_code == 302


def test_problems_are_listed_in_french_and_block_the_confirm(client, login, referrer):
    login(referrer)
    rows = [*ROWS, "Paul;;19855;12;;67000;;peut-être"]
    response = client.post(INDEX, {"file": csv_file(rows)}, follow=True)
    text = response.content.decode()
    assert "1 ligne a un problème" in text
    assert "Rien ne sera importé tant qu'une ligne a un problème" in text
    for expected in (
        ("4", "nom", "Ce champ est obligatoire.</td>"),
        ("4", "annee_naissance", "Écrivez l&#x27;année de naissance en 4 chiffres"),
        ("4", "telephone", "Ce numéro de téléphone n&#x27;est pas valide."),
        ("4", "demandeur_emploi", "Répondez « oui » ou « non », ou laissez vide.</td>"),
    ):
        # The cells carry their column's name for the phone layout (table-cards).
        line, column, problem = expected
        assert (
            f'<td data-label="Ligne">{line}</td><td data-label="Colonne">{column}</td>'
            f'<td data-label="Problème">{problem}'
        ) in text
    assert "notice_given" not in text  # no confirm form
    batch = ImportBatch.objects.get()
    confirm = client.post(
        reverse("imports:confirm", kwargs={"pk": batch.pk}), {"notice_given": "on"}
    )
    assert confirm.status_code == 400
    assert "1 ligne(s) ont un problème : rien n&#x27;a été importé." in confirm.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"prenom;telephone\nAnna;0612345678\n", "liste.csv", "Il manque des colonnes : nom"),
        (b"%PDF-1.4 binary", "liste.csv", "Ce fichier n&#x27;est ni un fichier CSV ni un tableur"),
        (b"", "vide.csv", "Le fichier soumis est vide."),
    ],
)
def test_wrong_files_get_a_clear_message(client, login, referrer, content, name, expected):
    login(referrer)
    response = client.post(INDEX, {"file": upload(content, name)})
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_file_over_5_mb_is_refused_before_reading(client, login, referrer):
    login(referrer)
    content = b"prenom;nom\n" + b"x" * (5 * 1024 * 1024)
    response = client.post(INDEX, {"file": upload(content)})
    assert response.status_code == 400
    assert "Le fichier dépasse 5 Mo" in response.content.decode()


def test_a_partner_may_send_the_whole_list_to_one_space(client, login, referrer, sites):
    login(referrer)
    _strasbourg, paris = sites
    page = client.get(INDEX).content.decode()
    assert "L&#x27;espace le plus proche de chaque personne" in page
    response = client.post(INDEX, {"file": csv_file(), "site": paris.pk}, follow=True)
    assert "Espace qui recevra les personnes : Espace Paris." in response.content.decode()
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", kwargs={"pk": batch.pk}), {"notice_given": "on"})
    assert set(Referral.objects.values_list("site_id", flat=True)) == {paris.pk}


def test_site_staff_import_to_their_own_space_without_choosing(client, login, site, member_factory):
    mediator = member_factory(site, Role.MEDIATOR)
    login(mediator)
    page = client.get(INDEX).content.decode()
    assert 'name="site"' not in page
    client.post(INDEX, {"file": csv_file()})
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", kwargs={"pk": batch.pk}), {"notice_given": "on"})
    assert set(Referral.objects.values_list("site_id", flat=True)) == {site.pk}


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.FUNDER_VIEWER])
def test_other_roles_are_refused(client, login, role, site, funder, member_factory):
    organisation = {Role.VOLUNTEER: site, Role.FUNDER_VIEWER: funder}[role]
    login(member_factory(organisation, role))
    assert client.get(INDEX).status_code == 403
    assert client.post(INDEX, {"file": csv_file()}).status_code == 403
    assert not ImportBatch.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_another_partner_gets_404_on_the_preview_and_the_confirm(
    client, login, referrer, network, member_factory
):
    batch = services.import_prepare(
        actor=referrer, file_name="liste.csv", content=csv_file().read()
    )
    stranger = member_factory(PartnerFactory(network=network), Role.PARTNER_REFERRER)
    login(stranger)
    assert client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).status_code == 404
    response = client.post(
        reverse("imports:confirm", kwargs={"pk": batch.pk}), {"notice_given": "on"}
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()
    # And their list of imports does not show it.
    assert "liste.csv" not in client.get(INDEX).content.decode()


def test_a_colleague_of_the_same_partner_sees_and_may_confirm_the_list(
    client, login, referrer, partner, member_factory
):
    batch = services.import_prepare(
        actor=referrer, file_name="liste.csv", content=csv_file().read()
    )
    colleague = member_factory(partner, Role.PARTNER_REFERRER)
    login(colleague)
    assert client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).status_code == 200
    client.post(reverse("imports:confirm", kwargs={"pk": batch.pk}), {"notice_given": "on"})
    assert Referral.objects.count() == 2


def test_an_expired_preview_says_so(client, login, referrer):
    batch = services.import_prepare(
        actor=referrer, file_name="liste.csv", content=csv_file().read()
    )
    store.stored_path(batch).unlink()
    login(referrer)
    text = client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).content.decode()
    assert "Cet aperçu a expiré (plus d&#x27;un jour) : déposez le fichier à nouveau." in text


def test_the_preview_is_paginated(client, login, referrer):
    rows = [f"Prénom{n};Nom{n};1980;06{n:08d};;67000;;" for n in range(120)]
    batch = services.import_prepare(
        actor=referrer, file_name="liste.csv", content=csv_file(rows).read()
    )
    login(referrer)
    url = reverse("imports:preview", kwargs={"pk": batch.pk})
    pages = -(-120 // PAGE_SIZE)
    first = client.get(url).content.decode()
    assert f"Page 1 sur {pages}" in first
    assert "Nom0<" in first and f"Nom{PAGE_SIZE}<" not in first
    last = client.get(url + f"?page={pages}").content.decode()
    assert "Nom119<" in last and "Nom0<" not in last
    assert "Orienter 120 personnes" in last


def test_the_imports_list_is_paginated_with_constant_queries(
    client, login, referrer, partner, django_assert_num_queries, django_assert_max_num_queries
):
    login(referrer)

    def make(count):
        ImportBatch.objects.bulk_create(
            ImportBatch(
                organisation=partner,
                uploaded_by=referrer.user,
                file_name=f"liste-{n}.csv",
                file_sha256=f"{n:064d}",
            )
            for n in range(count)
        )

    make(1)
    client.get(INDEX)  # warm the session and caches
    with django_assert_max_num_queries(40) as one:
        client.get(INDEX)
    make(60)
    with django_assert_num_queries(len(one)):
        page = client.get(INDEX)
    assert f"Page 1 sur {-(-61 // PAGE_SIZE)}" in page.content.decode()


def test_the_network_admin_may_not_open_or_confirm_a_partners_own_list(
    client, login, referrer, network, member_factory
):
    batch = services.import_prepare(
        actor=referrer, file_name="liste.csv", content=csv_file().read()
    )
    login(member_factory(network, Role.NETWORK_ADMIN))
    assert client.get(reverse("imports:preview", kwargs={"pk": batch.pk})).status_code == 403
    response = client.post(
        reverse("imports:confirm", kwargs={"pk": batch.pk}), {"notice_given": "on"}
    )
    assert response.status_code == 403
    assert not Referral.objects.exists()
