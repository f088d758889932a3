"""The learner markers of ``tisser.core.access``: ``learner_only`` and ``learner_object``."""

import types

import pytest
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from tests.learners.factories import LearnerCardFactory
from tisser.core.access import is_learner_only, learner_object, learner_only
from tisser.learners.models import LearnerCard

pytestmark = pytest.mark.django_db


def request_for(learner):
    request = RequestFactory().get("/apprendre/x/")
    request.learner = learner
    return request


@learner_only
@learner_object(LearnerCard, kwarg="card_id")
def card_page(request, card):
    return HttpResponse(str(card.pk))


def test_learner_only_lets_the_learner_in_and_marks_the_page_personal():
    learner = LearnerCardFactory().beneficiary
    request = request_for(learner)
    view = learner_only(lambda request: HttpResponse("ok"))
    assert view(request).content == b"ok"
    assert request.personal_data is True
    assert is_learner_only(view)


def test_learner_only_is_a_404_without_a_learner():
    view = learner_only(lambda request: HttpResponse("ok"))
    with pytest.raises(Http404):
        view(request_for(None))
    with pytest.raises(Http404):
        view(types.SimpleNamespace())  # a request that never met the middleware


def test_learner_object_finds_only_the_learners_own_rows():
    mine, theirs = LearnerCardFactory(), LearnerCardFactory()
    request = request_for(mine.beneficiary)
    assert card_page(request, card_id=str(mine.pk)).content == str(mine.pk).encode()
    for other in (str(theirs.pk), "9" * 25, "abc", None):
        with pytest.raises(Http404):
            card_page(request_for(mine.beneficiary), card_id=other)
    assert card_page.learner_scoped_args == {"card_id": LearnerCard}


def test_learner_object_needs_a_model_that_names_its_learner():
    from tisser.accounts.models import Site

    with pytest.raises(ValueError, match="learner_path"):
        learner_object(Site)
