"""The scam simulation of « Repérer un SMS ou un e-mail d'arnaque », played by taps."""

import pytest

from tests.learning.conftest import signed_in_learner
from tests.learning.test_simulation import page_of, tap
from tisser.exercises.models import Answer

pytestmark = pytest.mark.django_db


def start(site):
    client, learner = signed_in_learner(site)
    response = client.post("/apprendre/modules/reperer-arnaque/")
    return client, learner, response.url.rsplit("/etape/", 1)[0] + "/etape/telephone/"


def test_both_scams_reported(site):
    client, learner, url = start(site)
    page = page_of(client.get(url))
    assert "Entraînement" in page and "Téléphone de Sam" in page
    for action in ("ouvrir_sms_colis", "signaler_sms", "retour_sms_signale", "aller_mails"):
        page = tap(client, url, page, action)
    for action in ("ouvrir_mail_caf", "signaler_mail", "retour_mail_signale", "fini"):
        page = tap(client, url, page, action)
    assert "vous avez repéré les deux arnaques" in page
    assert Answer.objects.get(beneficiary=learner).correct


def test_an_opened_link_is_said(site):
    client, learner, url = start(site)
    page = page_of(client.get(url))
    for action in ("ouvrir_sms_colis", "lien_sms", "fermer_faux_colis", "signaler_sms"):
        page = tap(client, url, page, action)
    for action in ("retour_sms_signale", "aller_mails", "ouvrir_mail_caf", "signaler_mail"):
        page = tap(client, url, page, action)
    page = tap(client, url, page, "retour_mail_signale")
    page = tap(client, url, page, "fini")
    assert "À ne pas faire" in page and "ouvrir le lien du faux SMS" in page
    assert not Answer.objects.get(beneficiary=learner).correct
