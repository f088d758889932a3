"""The demo's learner cards (issue 12), read from the shared ``ci`` demo."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tisser.beneficiaries.models import Beneficiary
from tisser.core.models import JournalEntry
from tisser.learners import demo as learners_demo
from tisser.learners.models import LearnerCard

pytestmark = pytest.mark.django_db


def test_every_demo_file_has_one_usable_card(demo_ci):
    files = Beneficiary.objects.active()
    assert files.exists()
    assert demo_ci.cards.cards == files.count()
    usable = LearnerCard.objects.usable()
    assert set(usable.values_list("beneficiary_id", flat=True)) == set(
        files.values_list("pk", flat=True)
    )
    assert all(
        card.site_id == card.beneficiary.site_id for card in usable.select_related("beneficiary")
    )
    assert all(card.issued_at >= card.beneficiary.created_at for card in usable[:50])
    assert JournalEntry.objects.filter(action="learner_card.issued").count() == usable.count()


def test_demo_logins_print_the_demo_learners_code_and_it_signs_in(demo_ci, client):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "Apprenant de démonstration" in text
    learner = learners_demo.demo_learner()
    assert learner is not None and learner.site_name == "Espace Strasbourg Gare"
    found = re.search(r"code ([2-9A-HJ-NP-Z]{4} [2-9A-HJ-NP-Z]{4}), à taper sur (\S+)", text)
    assert found, text
    assert found.group(2).endswith("/apprendre/")
    response = client.post("/apprendre/", {"code": found.group(1)})
    assert response["Location"] == "/apprendre/accueil/"
    home = client.get("/apprendre/accueil/").content.decode()
    assert f"Bonjour {learner.first_name} !" in home
