"""A missing membership is never read as « everything ».

Generated from the code: every function of every ``tisser/<app>/selectors.py`` (and the
duplicate search) that takes a ``membership`` is called with ``membership=None`` over the
shared world, which holds rows of every scoped model. It must return nothing (an empty
queryset, list, page or zero counts) or refuse (raise); never rows. ``visible_to(None)`` is
checked on every scoped model too.
"""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import Http404

import tisser
from tisser.accounts.enums import OrganisationKind as K
from tisser.beneficiaries.models import Beneficiary
from tisser.core.errors import DomainError
from tisser.core.scoping import scoped_models
from tisser.funding.models import Convention
from tisser.offers.models import Device, InventoryCount
from tisser.referrals.models import Referral
from tisser.training.models import Cohort, Programme, Workshop


def membership_functions():
    modules = [
        module.name
        for module in pkgutil.walk_packages(tisser.__path__, "tisser.")
        if module.name.endswith(".selectors")
    ]
    modules.append("tisser.beneficiaries.duplicates")
    # The surveys' figures and lists (issue 15, helper S).
    modules.append("tisser.training.survey_selectors")
    # Workshops' reads (issue 15, helper W) live beside the training app's selectors.
    modules.append("tisser.training.workshop_selectors")
    # Who reads which figures (issue 16, the dashboards' scope).
    modules.append("tisser.reporting.selection")
    found = []
    for name in modules:
        module = importlib.import_module(name)
        for attribute, function in vars(module).items():
            if (
                inspect.isfunction(function)
                and function.__module__ == name
                and not attribute.startswith("_")
                and "membership" in inspect.signature(function).parameters
            ):
                found.append(function)
    return found


FUNCTIONS = membership_functions()

# Values for the other required arguments, by name, from the shared world.
ARGUMENTS = {
    "query": lambda w: "",
    "status": lambda w: "submitted",
    "page": lambda w: None,
    "pk": lambda w: w.object_of(Beneficiary, K.SITE).pk,
    "beneficiary": lambda w: w.object_of(Beneficiary, K.SITE),
    "referral": lambda w: w.object_of(Referral, K.SITE),
    "first_name": lambda w: w.object_of(Beneficiary, K.SITE).first_name,
    "last_name": lambda w: w.object_of(Beneficiary, K.SITE).last_name,
    "birth_year": lambda w: w.object_of(Beneficiary, K.SITE).birth_year,
    "phone": lambda w: "",
    "limit": lambda w: 10,
    "site_network": lambda w: w.network.pk,
    "year": lambda w: 2026,
    "convention": lambda w: w.object_of(Convention, K.FUNDER),
    # Time bounds wide enough to hold every appointment of the world.
    "start": lambda w: datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
    "end": lambda w: datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
    "before": lambda w: datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC),
    # Stock (issue 10): a device and an inventory count of site A1.
    "device": lambda w: w.object_of(Device, K.SITE),
    "count": lambda w: w.object_of(InventoryCount, K.SITE),
    # Training (issue 15): a programme of network A, a cohort of site A1.
    "programme": lambda w: w.object_of(Programme, K.NETWORK),
    "cohort": lambda w: w.object_of(Cohort, K.SITE),
    # Workshops (issue 15): a workshop of site A1.
    "workshop": lambda w: w.object_of(Workshop, K.SITE),
}


# Refusing is the other right answer: a missing row, a 404, a 403, a domain error, or a
# selector that needs ``membership.organisation_id`` and cannot go on without it.
REFUSALS = (ObjectDoesNotExist, Http404, PermissionDenied, DomainError, AttributeError)


def call_without_membership(function, world):
    kwargs = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "membership":
            kwargs[name] = None
        elif parameter.default is inspect.Parameter.empty:
            assert name in ARGUMENTS, f"teach ARGUMENTS a value for {function.__name__}({name})"
            kwargs[name] = ARGUMENTS[name](world)
    return function(**kwargs)


def is_empty(result) -> bool:
    if isinstance(result, QuerySet):
        return not result.exists()
    if isinstance(result, Page):
        return not result.object_list
    if isinstance(result, dict):
        return not any(result.values())
    if hasattr(result, "page"):  # a search result
        return is_empty(result.page)
    return not result


def test_the_walk_finds_the_selectors():
    names = {function.__name__ for function in FUNCTIONS}
    assert {"site_list", "referral_inbox", "journal_scope", "find_duplicates"} <= names


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_no_membership_gets_nothing(shared, function):
    try:
        result = call_without_membership(function, shared)
    except REFUSALS:
        return
    assert is_empty(result), f"{function.__name__}(membership=None) returned {result!r}"


@pytest.mark.parametrize("model", scoped_models(), ids=lambda model: model._meta.label)
def test_visible_to_none_is_empty(shared, model):
    assert model._default_manager.exists(), "the world holds no row: the test would prove nothing"
    assert not model._default_manager.visible_to(None).exists()
