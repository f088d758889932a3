"""The staff pages on the real forms (content/skills): every item previews, both forms print."""

import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.diagnostics import framework, paper
from tisser.diagnostics.enums import LEVEL_MAX
from tisser.diagnostics.models import Diagnostic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form, kind", [("entree", "entry"), ("sortie", "exit")])
def test_every_item_of_the_real_form_opens_in_the_preview(client, login, mediator, form, kind):
    login(mediator)
    items = framework.form_items(kind)
    for position in range(1, len(items) + 1):
        url = reverse("diagnostics:preview_item", kwargs={"form": form}) + f"?n={position}"
        response = client.get(url)
        assert response.status_code == 200, items[position - 1].key
        assert items[position - 1].key in response.content.decode()


@pytest.mark.parametrize("form, kind", [("entree", "entry"), ("sortie", "exit")])
def test_the_real_form_prints_one_question_per_domain_and_level_1_to_4(
    client, login, mediator, form, kind
):
    route = paper.paper_route(kind)
    assert len(route) == len(framework.domains()) * LEVEL_MAX
    assert all(question.on_paper for question in route)
    login(mediator)
    response = client.get(reverse("diagnostics:paper_pdf", kwargs={"form": form}))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert f"Question {len(route)}" in text and f"Question {len(route) + 1}" not in text
    for row in framework.domains():
        assert row.label in text


def test_the_real_paper_entry_page_and_correction_sheet_give_every_right_answer(
    client, login, mediator, site
):
    person = BeneficiaryFactory(site=site)
    login(mediator)
    client.post(
        reverse("diagnostics:start", kwargs={"pk": person.pk}), {"kind": "entry", "mode": "paper"}
    )
    diagnostic = Diagnostic.objects.get(beneficiary=person)
    route = paper.sitting_route(diagnostic)
    assert {question.item.type for question in route} >= {"choice", "order", "form", "typing"}
    page = client.get(reverse("diagnostics:paper_entry", kwargs={"pk": diagnostic.pk}))
    html = page.content.decode()
    for question in route:
        assert question.right_answer
        assert f"<strong>{escape(question.right_answer)}</strong>" in html, question.item.key
    sheet = client.get(reverse("diagnostics:paper_correction", kwargs={"pk": diagnostic.pk}))
    reader = PdfReader(io.BytesIO(sheet.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert f"{route[-1].number} (niveau 4)" in text
