"""Markers that views carry for the access policy (see accounts.middleware.AccessPolicyMiddleware).

Deny by default: a view is reachable anonymously only if it is decorated with ``public``
or its URL name is in ``PUBLIC_URL_NAMES`` (for views we do not own, such as allauth's).
"""

from functools import wraps

from django.http import Http404

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


def scoped_object(model, *, roles=None):
    """Fetch ``pk`` through ``model.objects.visible_to(membership)``: out of scope is a 404.

    The view receives the object as ``obj``. The attribute ``scoped_model`` lets the
    generated cross-site test matrix find every URL that shows or changes a scoped object.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            membership = request.membership
            if roles is not None and membership.role not in roles:
                raise Http404
            try:
                obj = model.objects.visible_to(membership).get(pk=pk)
            except model.DoesNotExist as exc:
                raise Http404 from exc
            return view(request, *args, obj=obj, **kwargs)

        wrapper.scoped_model = model
        return wrapper

    return decorator


def require_roles(*roles):
    """Allow a view only to members whose current role is one of ``roles`` (else 403)."""
    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.membership is None or request.membership.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = roles
        return wrapper

    return decorator
