"""Issue 15 in Chromium: a trainer takes the roll call of a session on the space's tablet
(portrait viewport) by taps, then downloads the signature sheet (PDF). axe-core checks the
roll call page (no serious or critical violation)."""

import datetime
import io

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from pypdf import PdfReader

from tests.e2e.test_acceptance import current_totp, sign_in
from tests.training.roll_helpers import a_class
from tisser.activities.models import Activity
from tisser.training.models import Attendance

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
PASSWORD = "un mot de passe de test assez long"
TABLET = {"width": 800, "height": 1280}


@pytest.fixture
def group():
    group = a_class()
    # The session started an hour ago.
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    session = group.session
    session.starts_at, session.ends_at = start, start + datetime.timedelta(minutes=240)
    session.save()
    user = group.trainer.user
    user.first_name, user.last_name = "Jeanne", "Formatrice"
    user.set_password(PASSWORD)
    user.save()
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    return group


def test_a_trainer_takes_the_roll_call_on_a_tablet_and_prints_the_sheet(
    new_page, group, assert_accessible
):
    page = new_page(**TABLET)
    sign_in(page, group.trainer.user.email, PASSWORD)
    page.wait_for_url("**/compte/2fa/authenticate/")
    page.locator("#id_code").fill(current_totp(TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url("**/espace-pro/")

    page.goto(f"/espace-pro/formations/seances/{group.session.pk}/appel/")
    assert_accessible(page)
    # Each choice is a big target on the tablet.
    first_choice = page.get_by_role("group", name="Amel Bensaïd").locator("label").first
    assert first_choice.bounding_box()["height"] >= 44

    # The minutes field shows only for « En retard ».
    bruno = page.get_by_role("group", name="Bruno Colin")
    assert not bruno.get_by_label("Si en retard : minutes manquées").is_visible()
    page.get_by_role("group", name="Amel Bensaïd").get_by_text("Présent", exact=True).click()
    bruno.get_by_text("En retard", exact=True).click()
    minutes = bruno.get_by_label("Si en retard : minutes manquées")
    assert minutes.is_visible()
    minutes.fill("20")
    page.get_by_role("group", name="Chloé Durand").get_by_text("Absent", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer l'appel").click()

    page.wait_for_url("**/presences/")
    assert (
        page.get_by_role("status")
        .get_by_text("Appel enregistré. Présents : 1, en retard : 1, excusés : 0, absents : 1.")
        .is_visible()
    )
    assert Attendance.objects.count() == 3
    assert Activity.objects.get().participant_count == 2
    assert_accessible(page)

    link = page.get_by_role("link", name="Imprimer la feuille d'émargement")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.body()))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert "Feuille d'émargement" in text
    assert group.cohort.programme.name in text
    assert "Jeanne Formatrice" in text
    assert all(e.beneficiary.last_name in text for e in group.enrolments)

    # The group's hours: a person's hours over the programme's, the certificate column.
    page.goto(f"/espace-pro/formations/groupes/{group.cohort.pk}/heures/")
    assert page.get_by_role("cell", name="3 h 40 / 32 h (11 %)").is_visible()
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems
