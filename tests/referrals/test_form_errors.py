"""A form with errors starts with a summary that links to each field and takes the focus;
the two-factor key is shown in groups of four."""

import re

import pytest
from django.urls import reverse

from tisser.core.templatetags.tisser_text import in_groups
from tisser.referrals.models import Referral


def summary_of(page: str) -> str:
    match = re.search(r'<div class="error-summary" id="error-summary"[^>]*>.*?</div>', page, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_a_hand_laid_form_starts_with_a_summary_linking_to_each_field(login, world):
    response = login(world.referrer).post(
        reverse("referrals:create"), {"action": "submit", "first_name": "", "postal_code": "12"}
    )
    page = response.content.decode()
    summary = summary_of(page)
    # At the top of the form, before its first field, focusable and announced.
    assert page.index('id="error-summary"') < page.index('name="first_name"')
    assert 'tabindex="-1"' in summary and "autofocus" in summary and 'role="alert"' in summary
    for field in ("first_name", "postal_code", "site"):
        link = re.search(rf'<a href="#(id_{field})">', summary)
        assert link, field
        assert f'id="{link.group(1)}"' in page
    assert "Indiquez le prénom de la personne." in summary
    # Radio and checkbox lists link to their first choice, which can take the focus.
    assert 'href="#id_needs_0"' in summary and 'id="id_needs_0"' in page
    assert not Referral.objects.exists()


def test_a_form_drawn_whole_starts_with_the_same_summary(login, world):
    """``{{ form }}`` goes through the form renderer's template, which adds the summary."""
    from tests.referrals.actions import prepare
    from tisser.referrals.enums import ReferralStatus

    referral = prepare(world, ReferralStatus.SUBMITTED)
    response = login(world.manager).post(
        reverse("referrals:reject", kwargs={"pk": referral.pk}), {"message": ""}
    )
    assert response.status_code == 400, response.status_code
    summary = summary_of(response.content.decode())
    assert '<a href="#id_reasons_0">' in summary


def test_a_form_without_errors_has_no_summary(login, world):
    assert 'id="error-summary"' not in login(world.referrer).get(reverse("referrals:create")).text


def test_the_focus_script_is_a_static_file_not_inline(login, world):
    page = login(world.referrer).get(reverse("referrals:create")).text
    assert re.search(r'<script src="/static/tisser/error-summary[^"]*\.js" defer></script>', page)


@pytest.mark.parametrize(
    ("key", "grouped"),
    [
        ("JBSWY3DPEHPK3PXP", "JBSW Y3DP EHPK 3PXP"),
        ("3IFRBZXJTZ5OQM3OJWADQBXHA6NZQCRQ", "3IFR BZXJ TZ5O QM3O JWAD QBXH A6NZ QCRQ"),
        ("ABCDEF", "ABCD EF"),
        ("", ""),
    ],
)
def test_a_key_is_written_in_groups_of_four(key, grouped):
    assert in_groups(key, 4) == grouped
