"""Markers that views carry for the access policy (see accounts.middleware.AccessPolicyMiddleware).

Deny by default: a view is reachable anonymously only if it is decorated with ``public``
or its URL name is in ``PUBLIC_URL_NAMES`` (for views we do not own, such as allauth's).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tisser.core.ids import parse_id

# allauth's own pages that a signed-out person must reach to sign in or reset a password.
PUBLIC_URL_NAMES = frozenset(
    {
        "account_login",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "mfa_authenticate",
        # Passkey sign-in: the signed-out browser fetches a challenge, then posts the answer.
        "mfa_login_webauthn",
    }
)

# Pages a signed-in person must reach even without a membership or before TOTP enrolment.
MEMBERSHIP_EXEMPT_URL_NAMES = frozenset(
    {
        "account_logout",
        # allauth asks for the password again before TOTP activation, even right after login.
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "accounts:no_membership",
    }
)


# allauth's pages that Tisser does not offer: a 404 for every signed-in member. Staff do
# not manage e-mail addresses: the address is the one of the invitation, shown on the
# account security page (docs/decisions/0015-staff-email-addresses.md).
CLOSED_URL_NAMES = frozenset(
    {
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
    }
)


def public(view):
    """Mark a view as reachable without signing in."""
    view.tisser_public = True
    return view


def is_public(view) -> bool:
    return getattr(view, "tisser_public", False)


def signed_in(view):
    """Declare a view open to any signed-in person, with or without a role.

    Only for the few pages about the account itself (the "no role" page). Every other
    non-public view declares its roles with ``require_roles``.
    """
    view.tisser_signed_in = True
    return view


def scoped_object(model, *, roles=None, kwarg: str = "pk", as_: str | None = None):
    """Fetch the id captured as ``kwarg`` through ``model.objects.visible_to(membership)``.

    Out of scope is a 404, and so is an id that is not one (see ``tisser.core.ids``). The
    view receives the object as ``obj`` for ``pk``, else under ``as_`` (by default the
    argument's name without ``_id`` / ``_pk``: ``referral_id`` gives ``referral``).

    The view carries ``scoped_args`` (captured argument -> model) for the generated
    cross-site matrix, which refuses any captured id that is not declared there; decorators
    stack, one per captured id. ``scoped_model`` is the model of ``pk``.
    """
    target = as_ or ("obj" if kwarg == "pk" else kwarg.removesuffix("_id").removesuffix("_pk"))

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            membership = request.membership
            if roles is not None and (membership is None or membership.role not in roles):
                raise Http404
            object_id = parse_id(kwargs.pop(kwarg, None))
            if object_id is None:
                raise Http404
            try:
                obj = model.objects.visible_to(membership).get(pk=object_id)
            except model.DoesNotExist as exc:
                raise Http404 from exc
            return view(request, *args, **{target: obj}, **kwargs)

        wrapper.scoped_args = {**getattr(view, "scoped_args", {}), kwarg: model}
        if kwarg == "pk":
            wrapper.scoped_model = model
        if roles is not None and not hasattr(wrapper, "allowed_roles"):
            wrapper.allowed_roles = tuple(roles)
        return wrapper

    return decorator


def require_roles(*roles):
    """Allow a view only to members whose current role is one of ``roles`` (else 403).

    This is the declaration every non-public view carries (``allowed_roles``): the
    generated role matrix refuses a view without one and proves every other role refused.
    Roles are passed as values, so core knows nothing of the accounts app.
    """
    if not roles:
        raise ValueError("require_roles() needs at least one role")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.membership is None or request.membership.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = tuple(roles)
        return wrapper

    return decorator


def learner_only(view):
    """Open a view to the learner whose card signed this browser in, and to nobody else.

    ``request.learner`` (the person's file, set lazily by the learners app's middleware) must
    be set: anyone else — an anonymous visitor, a staff member, a browser whose card was
    revoked — gets a 404, never a redirect to the staff sign-in. ``AccessPolicyMiddleware``
    lets these views through without a staff user; the view decides here. The generated
    security tests read ``tisser_learner_only``.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "learner", None) is None:
            raise Http404
        # The learner's own pages name them: never kept in a shared cache.
        request.personal_data = True
        return view(request, *args, **kwargs)

    wrapper.tisser_learner_only = True
    return wrapper


def is_learner_only(view) -> bool:
    return getattr(view, "tisser_learner_only", False)


def learner_object(model, *, kwarg: str = "pk", as_: str | None = None):
    """Fetch the id captured as ``kwarg`` among the signed-in learner's own rows (else 404).

    ``model.learner_path`` names the path from the model to the learner's file
    ("beneficiary", "attempt__beneficiary"): another learner's row is a 404, and so is an
    id that is not one. Stack it under ``learner_only``. The view receives the object as
    ``obj`` for ``pk``, else under ``as_`` (by default the argument's name without ``_id``).
    The view carries ``learner_scoped_args`` for the generated learner matrix.
    """
    target = as_ or ("obj" if kwarg == "pk" else kwarg.removesuffix("_id").removesuffix("_pk"))
    if not getattr(model, "learner_path", ""):
        raise ValueError(f"{model.__name__} has no learner_path")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            learner = getattr(request, "learner", None)
            object_id = parse_id(kwargs.pop(kwarg, None))
            if learner is None or object_id is None:
                raise Http404
            found = model._default_manager.filter(
                pk=object_id, **{model.learner_path: learner}
            ).first()
            if found is None:
                raise Http404
            return view(request, *args, **{target: found}, **kwargs)

        wrapper.learner_scoped_args = {**getattr(view, "learner_scoped_args", {}), kwarg: model}
        return wrapper

    return decorator
