"""The generated tests fail on a bad view, URL or form: proven here on ones made at test time.

Each test builds the bad thing (a URL conf of its own, or a form class), runs the very
checker that the generated tests run on the real code, and asserts that it reports it;
the same checker finds nothing wrong with a well-declared twin, so the report is about the
flaw and nothing else.
"""

import types

from django import forms
from django.http import HttpResponse
from django.urls import path

from tests.core.security import checks
from tests.core.security.checks import Row
from tests.core.urlconf import all_routes
from tisser.accounts.enums import OrganisationKind, Role
from tisser.accounts.models import Site
from tisser.core.access import require_roles, scoped_object
from tisser.core.ids import IdChoiceField


def page(request, **kwargs):
    return HttpResponse("ok")


def urlconf(*patterns):
    module = types.ModuleType("bad_urls")
    module.urlpatterns = list(patterns)
    return module


def test_a_view_without_a_role_declaration_is_reported():
    routes = all_routes(
        urlconf(
            path("sans-role/", page, name="undeclared"),
            path("avec-roles/", require_roles(Role.MEDIATOR)(page), name="declared"),
        )
    )
    problems = checks.undeclared_views(routes, public_names=frozenset())
    assert problems == ["undeclared: no require_roles(...) nor signed_in"]


def test_an_unscoped_captured_id_is_reported():
    scoped = scoped_object(Site)(require_roles(Role.NETWORK_ADMIN)(page))
    routes = all_routes(
        urlconf(
            path("espaces/<id:pk>/", scoped, name="good"),
            path("espaces/<id:pk>/autre/<id:other_id>/", scoped, name="other_id"),
            path("compteur/<int:number>/", require_roles(Role.MEDIATOR)(page), name="int"),
            path("x/<slug:referral_id>/", require_roles(Role.MEDIATOR)(page), name="named_id"),
        )
    )
    problems = checks.unscoped_id_arguments(routes, public_names=frozenset())
    assert problems == [
        "other_id: captured id 'other_id' is not scoped",
        "int: <int:number> (use <id:number>)",
        "int: captured id 'number' is not scoped",
        "named_id: captured id 'referral_id' is not scoped",
    ]


def test_a_declared_second_id_passes():
    view = scoped_object(Site, kwarg="site_pk")(
        scoped_object(Site)(require_roles(Role.NETWORK_ADMIN)(page))
    )
    routes = all_routes(urlconf(path("a/<id:site_pk>/b/<id:pk>/", view, name="two")))
    assert checks.unscoped_id_arguments(routes, public_names=frozenset()) == []


class LeakyForm(forms.Form):
    """Offers every site of every network: an out-of-scope id goes through."""

    site = IdChoiceField(queryset=Site.objects.all())


class UnboundedForm(forms.Form):
    site = forms.ModelChoiceField(queryset=Site.objects.all())


def leaky_row(form_class):
    return Row(
        form_class,
        "site",
        "workspace:journal",
        "get",
        Role.SITE_MANAGER,
        make=lambda world, data, membership: form_class(data),
        outside=lambda world: world.foreign[OrganisationKind.SITE],
        inside=lambda world: world.owners[OrganisationKind.SITE],
    )


def test_a_form_that_takes_an_out_of_scope_id_is_reported(shared):
    assert checks.row_problems(leaky_row(LeakyForm), shared) == [
        f"LeakyForm.site: an out-of-scope id ({shared.foreign[OrganisationKind.SITE].pk}) "
        "is accepted"
    ]


def test_a_form_field_without_a_row_or_unbounded_is_reported():
    assert checks.fields_without_case([LeakyForm, UnboundedForm], [leaky_row(LeakyForm)]) == [
        "UnboundedForm.site"
    ]
    assert checks.unbounded_choice_fields([LeakyForm, UnboundedForm]) == ["UnboundedForm.site"]


def test_an_absurd_id_is_an_invalid_choice():
    form = LeakyForm({"site": checks.BIG_ID})
    assert not form.is_valid()
    assert form.errors["site"] == [
        "Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."
    ]


def test_a_learner_page_is_a_declaration_but_not_with_staff_roles():
    from tisser.core.access import learner_only

    routes = all_routes(
        urlconf(
            path("apprendre/a/", learner_only(page), name="learner"),
            path(
                "apprendre/b/",
                learner_only(require_roles(Role.MEDIATOR)(page)),
                name="learner_with_roles",
            ),
        )
    )
    problems = checks.undeclared_views(routes, public_names=frozenset())
    assert problems == ["learner_with_roles: learner_only and require_roles together"]


def test_a_learner_page_with_an_id_not_scoped_to_the_learner_is_reported():
    from tisser.core.access import learner_object, learner_only
    from tisser.learners.models import LearnerCard

    routes = all_routes(
        urlconf(
            path(
                "apprendre/cartes/<id:pk>/",
                learner_only(learner_object(LearnerCard)(page)),
                name="good",
            ),
            # A staff scope on a learner page does not count: the learner has no membership.
            path(
                "apprendre/espaces/<id:pk>/",
                learner_only(scoped_object(Site)(page)),
                name="staff_scope",
            ),
            path("apprendre/x/<id:card_id>/", learner_only(page), name="bare"),
        )
    )
    problems = checks.unscoped_id_arguments(routes, public_names=frozenset())
    assert problems == [
        "staff_scope: captured id 'pk' is not scoped",
        "bare: captured id 'card_id' is not scoped",
    ]
