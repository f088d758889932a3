"""The staff preview of each whole form: item after item as a learner sees it, nothing saved."""

import pytest
from django.urls import reverse

from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.diagnostics.models import Diagnostic
from tisser.exercises.models import Answer, ItemVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("skills_content")]


def preview(form="entree"):
    return reverse("diagnostics:preview_item", kwargs={"form": form})


def test_the_list_offers_both_forms_with_their_length(client, login, mediator):
    login(mediator)
    page = client.get(reverse("diagnostics:preview_list")).content.decode()
    assert "Diagnostic d&#x27;entrée" in page and "Diagnostic de sortie" in page
    assert "30 questions" in page
    assert preview("entree") in page and preview("sortie") in page


def test_an_item_shows_in_the_phone_frame_with_the_banner(client, login, member_factory, site):
    login(member_factory(site, Role.VOLUNTEER))
    page = client.get(preview("sortie") + "?n=3").content.decode()
    assert "question 3 sur 30" in page
    assert "vos réponses ne sont pas enregistrées" in page
    assert "phone-frame" in page and "Je ne sais pas" in page and "Écouter" in page
    assert "diag-appareil-exit-1-1" in page  # the third item of the exit form
    assert f"{preview('sortie')}?n=4" in page  # « Suivant »


def test_answering_goes_to_the_next_item_and_saves_nothing(client, login, mediator):
    login(mediator)
    response = client.post(preview(), {"n": "1", "attempt": "p1", "answer": "oui"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "question 2 sur 30" in page and "Votre dernier essai : juste." in page
    dont_know = client.post(preview(), {"n": "2", "attempt": "p2", "dont_know": "1"})
    assert "question 3 sur 30" in dont_know.content.decode()
    assert not Answer.objects.exists() and not ItemVersion.objects.exists()
    assert not Diagnostic.objects.exists() and not JournalEntry.objects.exists()


def test_a_position_out_of_range_shows_the_nearest_item(client, login, mediator):
    login(mediator)
    assert "question 30 sur 30" in client.get(preview() + "?n=999").content.decode()
    assert "question 1 sur 30" in client.get(preview() + "?n=abc").content.decode()
    last = client.get(preview() + "?n=30").content.decode()
    assert "la dernière question de ce questionnaire" in last


def test_an_unknown_form_is_not_found(client, login, mediator):
    login(mediator)
    assert client.get(preview("autre")).status_code == 404
