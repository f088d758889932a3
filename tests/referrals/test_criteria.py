"""The situation part of the referral form: one question per fact, every criterion explained."""

import re

import pytest
from django.urls import reverse

from tests.referrals.actions import prepare
from tests.referrals.test_views_partner import referral_post
from tisser.beneficiaries.enums import (
    ASKED_CRITERIA,
    CRITERION_EXPLANATIONS,
    DERIVED_CRITERIA,
    EligibilityCriterion,
)
from tisser.core import clock
from tisser.referrals.enums import ReferralStatus
from tisser.referrals.forms import ReferralForm
from tisser.referrals.models import Referral


def test_every_criterion_has_a_one_sentence_explanation():
    assert set(CRITERION_EXPLANATIONS) == set(EligibilityCriterion)
    for code, sentence in CRITERION_EXPLANATIONS.items():
        sentence = str(sentence)
        assert sentence.endswith(".") and sentence.count(". ") == 0, code
    labels = [str(label) for label in EligibilityCriterion.labels]
    assert len(set(labels)) == len(labels), "two criteria share a label"


def test_the_form_asks_the_jobseeker_and_age_facts_only_once(login, world):
    page = login(world.referrer).get(reverse("referrals:create")).text
    for code in DERIVED_CRITERIA:
        assert f'name="eligibility_criteria" value="{code}"' not in page
    for code, _label in ASKED_CRITERIA:
        box = re.search(
            rf'<input type="checkbox" name="eligibility_criteria" value="{code}"[^>]*>', page
        )
        assert box, code
        described_by = re.search(r'aria-describedby="([^"]+)"', box.group(0)).group(1).split()
        explanation = re.search(
            rf'<span class="option-hint" id="{described_by[0]}">([^<]+)</span>', page
        )
        assert explanation and explanation.group(1).strip(), code
    # The jobseeker question carries the duration; no second "jobseeker" box.
    assert page.count('name="is_jobseeker"') == 5


@pytest.mark.parametrize(
    ("answer", "is_jobseeker", "duration"),
    [
        ("", None, []),
        ("no", False, []),
        ("yes", True, []),
        ("DELD", True, ["DELD"]),
        ("DETLD", True, ["DETLD"]),
    ],
)
def test_the_jobseeker_answer_sets_the_flag_and_the_duration_criterion(
    login, world, answer, is_jobseeker, duration
):
    post = referral_post(
        world.site, is_jobseeker=answer, birth_year="1980", eligibility_criteria=["RSA"]
    )
    response = login(world.referrer).post(reverse("referrals:create"), post)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.is_jobseeker is is_jobseeker
    assert referral.eligibility_criteria == ["RSA", *duration]


@pytest.mark.parametrize(
    ("age", "expected"), [(20, ["JEUNE"]), (25, ["JEUNE"]), (26, []), (50, []), (51, ["SENIOR"])]
)
def test_the_age_criteria_follow_the_birth_year(world, age, expected):
    year = clock.localdate().year - age
    form = ReferralForm(
        referral_post(world.site, birth_year=str(year), eligibility_criteria=[]),
        partner=world.partner,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["eligibility_criteria"] == expected


def test_a_posted_derived_criterion_is_refused_as_a_box(world):
    form = ReferralForm(
        referral_post(world.site, eligibility_criteria=["DELD"]), partner=world.partner
    )
    assert not form.is_valid()
    assert "eligibility_criteria" in form.errors


def test_editing_a_draft_shows_the_stored_answers(login, world):
    referral = prepare(
        world,
        ReferralStatus.DRAFT,
        is_jobseeker=True,
        eligibility_criteria=["RSA", "DETLD", "JEUNE"],
    )
    form = ReferralForm(instance=referral, partner=world.partner)
    assert form.initial["is_jobseeker"] == "DETLD"
    assert form.initial["eligibility_criteria"] == ["RSA"]
