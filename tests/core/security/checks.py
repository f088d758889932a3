"""The checkers behind the generated security tests, written as plain functions.

Each returns the list of problems it finds (empty: all good), so that the generated tests
assert on the real URL conf and forms, and ``test_checks_catch_bad_code`` proves on a
deliberately bad view, URL or form, built at test time, that the checker does report it.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms as django_forms

import tisser
from tests.core.urlconf import Route, view_attribute
from tisser.core.ids import BoundedIdsMixin

# allauth's pages for a signed-in person, whatever their role: their own account, e-mail
# addresses, password, second factors (signing up is closed by the account adapter). They
# are not Tisser's to decorate, so they are listed here on purpose; a new allauth page
# fails the role test until it is added. The admin's own views check ``is_staff``.
THIRD_PARTY_SIGNED_IN = frozenset(
    {
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_change_password",
        "account_set_password",
        "account_confirm_login_code",
        "mfa_index",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        # Passkeys: each page looks keys up by the signed-in user (another's key is a 404,
        # tests/accounts/test_passkeys.py).
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "mfa_reauthenticate_webauthn",
        "mfa_remove_webauthn",
        "mfa_edit_webauthn",
    }
)
ADMIN_NAMESPACE = "admin:"
ADMIN_PATH = "/admin/"
# Converters whose value names a database row.
ID_CONVERTERS = frozenset({"IdConverter", "IntConverter"})


# Views we do not write: allauth's (on the explicit list above) and Django's admin. Every
# other view is ours and must carry a declaration, wherever it is defined.
THIRD_PARTY_MODULES = ("allauth.", "django.")


def is_tisser_view(route: Route) -> bool:
    return not getattr(route.callback, "__module__", "").startswith(THIRD_PARTY_MODULES)


def is_admin_view(route: Route) -> bool:
    return route.name.startswith(ADMIN_NAMESPACE) or route.path.startswith(ADMIN_PATH)


def declared_roles(route: Route):
    return view_attribute(route.callback, "allowed_roles")


def is_learner_view(route: Route) -> bool:
    """A learner's page (``learner_only``): a 404 for everyone but the signed-in learner."""
    return bool(view_attribute(route.callback, "tisser_learner_only"))


def undeclared_views(routes, *, public_names) -> list[str]:
    """Private views without a role declaration (``require_roles``, ``signed_in`` or
    ``learner_only``)."""
    problems = []
    for route in routes:
        if route.name in public_names or view_attribute(route.callback, "tisser_public"):
            continue
        if is_learner_view(route):
            if declared_roles(route) is not None:
                problems.append(f"{route.label}: learner_only and require_roles together")
            continue
        if is_tisser_view(route):
            if declared_roles(route) is None and not view_attribute(
                route.callback, "tisser_signed_in"
            ):
                problems.append(f"{route.label}: no require_roles(...) nor signed_in")
        elif not is_admin_view(route) and route.name not in THIRD_PARTY_SIGNED_IN:
            problems.append(f"{route.label}: third-party view on no explicit list")
    return problems


def names_an_object(name: str, converter: str) -> bool:
    return converter in ID_CONVERTERS or name == "pk" or name.endswith(("_id", "_pk"))


def unscoped_id_arguments(routes, *, public_names) -> list[str]:
    """Captured ids without a scope declaration, and ids parsed outside the database's range."""
    problems = []
    for route in routes:
        if not is_tisser_view(route):
            continue
        for name, converter in route.converters:
            if converter == "IntConverter":
                problems.append(f"{route.label}: <int:{name}> (use <id:{name}>)")
        if route.name in public_names:
            continue
        # A learner's page scopes its ids to the learner (``learner_object``), a staff page
        # to the membership (``scoped_object``); neither kind may borrow the other's.
        attribute = "learner_scoped_args" if is_learner_view(route) else "scoped_args"
        declared = view_attribute(route.callback, attribute) or {}
        for name, converter in route.converters:
            if names_an_object(name, converter) and name not in declared:
                problems.append(f"{route.label}: captured id {name!r} is not scoped")
        for name in declared:
            if name not in route.kwargs:
                problems.append(f"{route.label}: scoped {name!r} is not captured")
    return problems


# --- forms -----------------------------------------------------------------------------------


def tisser_form_classes() -> list[type]:
    """Every form class defined in the tisser package (its modules are imported first)."""
    for module in pkgutil.walk_packages(tisser.__path__, "tisser."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)
    found, todo = [], [django_forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("tisser."):
            found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def model_choice_fields(form_classes) -> list[tuple[type, str]]:
    """(form class, field name) of every field that selects database rows."""
    return [
        (form_class, name)
        for form_class in form_classes
        for name, field in form_class.base_fields.items()
        if isinstance(field, django_forms.ModelChoiceField)
    ]


def unbounded_choice_fields(form_classes) -> list[str]:
    """Model choice fields that would let an absurd id reach the database."""
    return [
        f"{form_class.__qualname__}.{name}"
        for form_class, name in model_choice_fields(form_classes)
        if not isinstance(form_class.base_fields[name], BoundedIdsMixin)
    ]


def fields_without_case(form_classes, cases) -> list[str]:
    """Fields selecting rows that the out-of-scope table does not test."""
    covered = {(case.form, case.field) for case in cases}
    return [
        f"{form_class.__qualname__}.{name}"
        for form_class, name in model_choice_fields(form_classes)
        if (form_class, name) not in covered
    ]


def accepts(form, field: str) -> bool:
    """Whether the bound ``form`` took the value given for ``field`` (no error on it)."""
    form.is_valid()
    return field not in form.errors


BIG_ID = "9" * 25


@dataclass(frozen=True)
class Row:
    """One form field that names database rows, and how to test it (``test_form_ids``)."""

    form: type[django_forms.BaseForm]
    field: str
    url: str  # the page's URL name
    method: str  # "get" (a filter in the query string) or "post"
    role: str | None  # who fills it in (None: an anonymous visitor)
    make: Callable  # (world, data, membership) -> the bound form, as the page builds it
    outside: Callable  # world -> an object out of the actor's reach
    inside: Callable  # world -> an object within it (the control), or None
    url_kwargs: Callable = field(default=lambda world: {})
    data: Callable = field(default=lambda world: {})  # world -> the other fields

    def __str__(self) -> str:
        return f"{self.form.__name__}.{self.field}"


def value_of(obj) -> str:
    return str(getattr(obj, "pk", obj))


def row_problems(row: Row, world) -> list[str]:
    """An out-of-scope or absurd id taken by the field, or an in-scope id refused."""
    membership = world.member(row.role) if row.role else None
    problems = []
    for label, value in (("out-of-scope", value_of(row.outside(world))), ("absurd", BIG_ID)):
        data = {**row.data(world), row.field: value}
        if accepts(row.make(world, data, membership), row.field):
            problems.append(f"{row}: an {label} id ({value}) is accepted")
    inside = row.inside(world)
    if inside is not None:
        data = {**row.data(world), row.field: value_of(inside)}
        form = row.make(world, data, membership)
        if not accepts(form, row.field):
            problems.append(f"{row}: an id within reach is refused: {form.errors[row.field]}")
    return problems
