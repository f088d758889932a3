"""Ids parsed within the database's range (tisser.core.ids) and scoped_object on any id."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tisser.accounts.enums import Role
from tisser.accounts.models import Site
from tisser.core.access import scoped_object
from tisser.core.ids import MAX_ID, IdConverter, parse_id


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1", 1),
        (" 42 ", 42),
        (42, 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 25, None),
        ("0", None),
        ("-3", None),
        ("+3", None),
        ("3.0", None),
        ("١٢", None),  # Arabic-Indic digits: str.isdigit() says yes, the database says no
        ("", None),
        (None, None),
        (True, None),
        (MAX_ID + 1, None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_the_url_converter_refuses_what_is_not_an_id():
    converter = IdConverter()
    assert converter.to_python("12") == 12
    with pytest.raises(ValueError):
        converter.to_python(str(MAX_ID + 1))
    with pytest.raises(ValueError):
        converter.to_python("0")


def test_a_url_with_an_id_past_the_range_matches_nothing():
    from django.urls import Resolver404

    assert resolve(f"/espace-pro/espaces/{MAX_ID}/modifier/").kwargs == {"pk": MAX_ID}
    with pytest.raises(Resolver404):
        resolve(f"/espace-pro/espaces/{MAX_ID + 1}/modifier/")


@pytest.mark.django_db
def test_scoped_object_fetches_any_named_argument_within_scope():
    network = NetworkFactory()
    own = SiteFactory(network=network)
    foreign = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    admin = MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN)

    @scoped_object(Site, kwarg="site_id")
    def view(request, site):
        return HttpResponse(site.name)

    request = RequestFactory().get("/")
    request.membership = admin
    assert view(request, site_id=own.pk).content.decode() == own.name
    assert view.scoped_args == {"site_id": Site}
    for refused in (foreign.pk, "9" * 25, "abc"):
        with pytest.raises(Http404):
            view(request, site_id=refused)


@pytest.mark.django_db
@pytest.mark.parametrize("absurd", ["9" * 25, str(MAX_ID + 1), "0", "-1"])
def test_bounded_choice_fields_call_an_absurd_id_an_invalid_choice(absurd):
    from tisser.core.ids import IdChoiceField, IdMultipleChoiceField

    site = SiteFactory()
    single = IdChoiceField(queryset=Site.objects.all())
    several = IdMultipleChoiceField(queryset=Site.objects.all())
    assert single.clean(str(site.pk)) == site
    assert list(several.clean([str(site.pk)])) == [site]
    with pytest.raises(ValidationError) as refused:
        single.clean(absurd)
    assert refused.value.code == "invalid_choice"
    with pytest.raises(ValidationError) as refused:
        several.clean([str(site.pk), absurd])
    assert refused.value.code == "invalid_choice"


@pytest.mark.django_db
def test_bounded_choice_fields_draw_their_choices_without_a_server_side_cursor(monkeypatch):
    """QuerySet.iterator() opens a server-side cursor on PostgreSQL: four round trips."""
    from django import forms
    from django.db.models.query import QuerySet

    from tisser.core.ids import IdChoiceField, IdMultipleChoiceField

    first, second = SiteFactory(name="Espace A"), SiteFactory(name="Espace B")

    class Filters(forms.Form):
        site = IdChoiceField(queryset=Site.objects.order_by("name"), empty_label="Tous")
        sites = IdMultipleChoiceField(queryset=Site.objects.order_by("name"))

    def no_iterator(self, *args, **kwargs):
        raise AssertionError("the choices must be read with one plain query")

    monkeypatch.setattr(QuerySet, "iterator", no_iterator)
    form = Filters()
    assert [label for _value, label in form.fields["site"].choices] == [
        "Tous",
        str(first),
        str(second),
    ]
    assert f'value="{second.pk}"' in str(form["sites"])
