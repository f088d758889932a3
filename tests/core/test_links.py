"""id_url writes the same link as reverse(), for any id and under any URL prefix."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from tisser.core.links import id_url

pytestmark = pytest.mark.db_independent


@pytest.mark.parametrize("pk", [1, 42, 2_000_000_000])
def test_id_url_is_reverse(pk):
    assert id_url("referrals:detail", pk) == reverse("referrals:detail", kwargs={"pk": pk})


def test_id_url_follows_the_script_prefix():
    try:
        set_script_prefix("/tisser/")
        assert id_url("referrals:detail", 7) == reverse("referrals:detail", kwargs={"pk": 7})
        assert id_url("referrals:detail", 7).startswith("/tisser/")
    finally:
        set_script_prefix("/")
    assert id_url("referrals:detail", 7) == reverse("referrals:detail", kwargs={"pk": 7})


def test_id_url_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        id_url("referrals:detail", 7, kwarg="no_such_argument")


def test_the_link_tags_write_what_the_url_tag_writes():
    """``{% link %}`` and ``{% id_link %}`` (templates drawn on every page) give the same
    links as ``{% url %}``, also as a variable."""
    from django.template import Context, Template

    drawn = Template(
        "{% load tisser_links %}{% link 'workspace:home' %}|{% link 'website:directory' as d %}"
        "{{ d }}|{% id_link 'beneficiaries:detail' 42 %}"
    ).render(Context())
    expected = Template(
        "{% url 'workspace:home' %}|{% url 'website:directory' as d %}{{ d }}"
        "|{% url 'beneficiaries:detail' pk=42 %}"
    ).render(Context())
    assert drawn == expected == "/espace-pro/|/espaces/|/espace-pro/dossiers/42/"
