"""Authentication backends: Django's and allauth's, reading the session's user together with
their active memberships (one query instead of two on every signed-in request).

``get_user`` is what ``django.contrib.auth.get_user`` asks the session's backend on each
request; Django then checks the session hash as always. The memberships read with the user
are kept on it for ``CurrentMembershipMiddleware`` (``selectors.memberships_of_request``), so
the request runs one query for both (docs/decisions/0018-signed-in-page-cost.md, fourth
round). Signing in is unchanged: the same two backends, in the same order.

Sessions opened before these backends name Django's and allauth's own classes:
``RENAMED_BACKENDS`` maps them (``middleware.AuthenticationMiddleware``), so nobody is signed
out by the change.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from tisser.accounts.selectors import MEMBERSHIPS_READ_ATTRIBUTE, user_with_memberships


class _UserWithMemberships:
    def get_user(self, user_id):
        user = user_with_memberships(user_id)
        if user is None:
            # No active membership (a superuser, a closed account): the user alone, as
            # Django reads it; the middleware then knows there is no membership to read.
            user = super().get_user(user_id)  # type: ignore[misc]
            if user is not None:
                setattr(user, MEMBERSHIPS_READ_ATTRIBUTE, [])
            return user
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_UserWithMemberships, DjangoModelBackend):
    """``django.contrib.auth.backends.ModelBackend``, the user read with their memberships."""


class AuthenticationBackend(_UserWithMemberships, AllauthBackend):
    """allauth's backend, the user read with their memberships."""


RENAMED_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "tisser.accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "tisser.accounts.backends.AuthenticationBackend"
    ),
}
