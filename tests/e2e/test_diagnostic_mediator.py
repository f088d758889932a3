"""Issue 13 in a real browser, the team's side of the results: a mediator opens the file of
a person with an entry and an exit diagnostic (written as the demo writes them: real
answers through the adaptive rules), follows the timeline to the results, sees the entry /
exit comparison, and downloads the one-page results PDF. axe-core: no serious or critical
violation on the results page."""

import datetime
import io

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from pypdf import PdfReader

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.e2e.test_acceptance import current_totp, sign_in
from tisser.accounts.enums import Role
from tisser.core.clock import manual_clock
from tisser.diagnostics.demo import seed_demo_diagnostics
from tisser.diagnostics.enums import DiagnosticKind
from tisser.diagnostics.models import Diagnostic

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "un mot de passe de test assez long"


@pytest.fixture
def world():
    network = NetworkFactory(name="Réseau diagnostic e2e")
    site = SiteFactory(network=network, name="Espace Gare", short_code="GAR")
    mediator = MembershipFactory(organisation=site, role=Role.MEDIATOR)
    mediator.user.set_password(PASSWORD)
    mediator.user.save()
    Authenticator.objects.create(
        user=mediator.user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    person = BeneficiaryFactory(site=site, first_name="Awa", last_name="Diallo")
    opened_on = timezone.localdate() - datetime.timedelta(days=40)
    AccompanimentPeriodFactory(beneficiary=person, site=site, opened_on=opened_on)
    with manual_clock() as clock:
        seed_demo_diagnostics(network=network, clock=clock, journey_file=person.file_number)
    return {"mediator": mediator, "person": person}


def test_a_mediator_compares_entry_and_exit_and_downloads_the_results(
    new_page, world, assert_accessible
):
    person = world["person"]
    exit_ = Diagnostic.objects.get(beneficiary=person, kind=DiagnosticKind.EXIT)
    page = new_page()
    sign_in(page, world["mediator"].user.email, PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")

    page.goto(f"{page.url.split('/espace-pro/')[0]}/espace-pro/dossiers/{person.pk}/")
    page.get_by_role("link", name="Diagnostic de sortie terminé").click()
    page.wait_for_url(f"**/espace-pro/diagnostics/{exit_.pk}/resultats/")
    main = page.locator("main")
    assert "Diagnostic de sortie de Awa" in main.inner_text()
    comparison = page.get_by_role("region", name="Entrée et sortie").first
    assert "En progrès" in comparison.inner_text()
    assert "Autonome à la sortie" in comparison.inner_text()
    answers = page.get_by_role("region", name="Réponses question par question").last
    assert answers.get_by_role("row").count() > 10
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems

    link = page.get_by_role("link", name="Imprimer les résultats pour la personne (PDF)")
    response = page.request.get(link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.body())).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    assert "Les résultats de Awa" in text and "Diallo" not in text
    assert "Depuis votre arrivée" in text and "Et maintenant ?" in text
