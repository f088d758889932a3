"""The staff pages on the real forms (content/skills): every item previews, both forms print."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tisser.diagnostics import framework, paper
from tisser.diagnostics.enums import LEVEL_MAX

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
