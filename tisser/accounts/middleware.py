"""Who is acting, and may they see this page? Runs on every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from tisser.accounts.backends import RENAMED_BACKENDS
from tisser.accounts.enums import ROLES_REQUIRING_TWO_FACTOR
from tisser.accounts.selectors import (
    active_memberships_of,
    choose_current_membership,
    memberships_of_request,
)
from tisser.core.access import (
    CLOSED_URL_NAMES,
    MEMBERSHIP_EXEMPT_URL_NAMES,
    PUBLIC_URL_NAMES,
    is_learner_only,
    is_public,
)

SESSION_STARTED_KEY = "tisser_session_started"
SESSION_LAST_SEEN_KEY = "tisser_last_seen"
# Write the "last seen" time at most once a minute: idle expiry does not need finer steps.
LAST_SEEN_WRITE_INTERVAL = 60
# "This user has a second factor", kept in the session (the time it was last read from the
# database): checked again after this many seconds, and dropped at once when an
# authenticator is removed in this session (docs/decisions/0018-signed-in-page-cost.md).
SESSION_SECOND_FACTOR_KEY = "tisser_second_factor_seen"
SECOND_FACTOR_RECHECK_SECONDS = 300


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the sessions opened under Django's or allauth's own backend carried over
    to the same backend of ``accounts.backends`` (which reads the user with their
    memberships), so the change of backend signs nobody out."""

    def process_request(self, request):
        backend = request.session.get(BACKEND_SESSION_KEY)
        if backend in RENAMED_BACKENDS:
            request.session[BACKEND_SESSION_KEY] = RENAMED_BACKENDS[backend]
        super().process_request(request)


class StaffSessionExpiryMiddleware:
    """Sign staff out after 30 minutes idle or 12 hours in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            last_seen = request.session.get(SESSION_LAST_SEEN_KEY, now)
            idle = now - last_seen > settings.STAFF_SESSION_IDLE_SECONDS
            too_old = now - started > settings.STAFF_SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                logout(request)
                messages.info(
                    request, _("Votre session a expiré. Reconnectez-vous pour continuer.")
                )
                return _redirect(request, redirect_to_login(request.get_full_path()))
            if (
                now - last_seen >= LAST_SEEN_WRITE_INTERVAL
                or SESSION_LAST_SEEN_KEY not in request.session
            ):
                request.session[SESSION_LAST_SEEN_KEY] = now
        return self.get_response(request)


class CurrentMembershipMiddleware:
    """Attach ``request.membership``: the membership the user currently acts through.

    One query reads every active membership of the user with its organisation: it gives the
    current membership, the ones to switch to, and whether a role needs a second factor
    (``request.needs_two_factor``, read by MandatoryTwoFactorMiddleware).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        if request.user.is_authenticated:
            memberships = memberships_of_request(request.user)
            request.membership = choose_current_membership(
                memberships, request.session.get("current_membership_id")
            )
            request.needs_two_factor = needs_two_factor(request.user, memberships)
        return self.get_response(request)


def _redirect(request, response):
    """An HTMX request would swap the target page into a fragment: ask it to navigate instead."""
    if getattr(request, "htmx", False):
        navigate = HttpResponse(status=204)
        navigate["HX-Redirect"] = response["Location"]
        return navigate
    return response


def _url_name(request) -> str:
    match = request.resolver_match
    return match.view_name if match else ""


class AccessPolicyMiddleware:
    """Deny by default: only public views are open to everyone, the rest need a member.

    allauth pages that Tisser does not offer (``CLOSED_URL_NAMES``) are a 404 for members.
    Learners' pages (``learner_only``) decide for themselves (a 404 for anyone but a
    signed-in learner); a signed-in learner is not a staff user, and every staff page is a
    404 for them, not an invitation to the staff sign-in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public(view_func) or _url_name(request) in PUBLIC_URL_NAMES:
            return None
        if is_learner_only(view_func):
            return None
        if not request.user.is_authenticated:
            if getattr(request, "learner", None) is not None:
                raise Http404
            return _redirect(request, redirect_to_login(request.get_full_path()))
        if _url_name(request) in MEMBERSHIP_EXEMPT_URL_NAMES:
            return None
        if request.path.startswith("/admin/") and request.user.is_superuser:
            return None
        if request.membership is None:
            return _redirect(request, redirect("accounts:no_membership"))
        if _url_name(request) in CLOSED_URL_NAMES:
            raise Http404
        return None


class MandatoryTwoFactorMiddleware:
    """Members whose role opens personal data, and superusers, enrol a second factor first.

    A passkey or an authenticator app satisfies it; recovery codes alone do not (they are
    a fallback for a lost factor, not a factor of their own).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if (
            is_public(view_func)
            or is_learner_only(view_func)
            or _url_name(request) in PUBLIC_URL_NAMES | MEMBERSHIP_EXEMPT_URL_NAMES
        ):
            return None
        needs = getattr(request, "needs_two_factor", None)
        if needs is None:  # CurrentMembershipMiddleware did not run (a bare request)
            needs = user_needs_two_factor(request.user)
        if not needs:
            return None
        if _has_second_factor_cached(request):
            return None
        messages.warning(
            request,
            _(
                "Votre rôle donne accès à des données personnelles : activez la double "
                "authentification pour continuer."
            ),
        )
        # The account security page offers both factors: a passkey or an authenticator app.
        return _redirect(request, redirect(resolve_url("mfa_index")))


def _has_second_factor_cached(request) -> bool:
    """``has_second_factor``, read from the database at most every few minutes per session.

    Only a yes is kept: someone who has not enrolled yet is checked on every request, so
    the page that follows the enrolment lets them in.
    """
    now = int(time.time())
    seen = request.session.get(SESSION_SECOND_FACTOR_KEY)
    if isinstance(seen, int) and 0 <= now - seen < SECOND_FACTOR_RECHECK_SECONDS:
        return True
    if has_second_factor(request.user):
        request.session[SESSION_SECOND_FACTOR_KEY] = now
        return True
    request.session.pop(SESSION_SECOND_FACTOR_KEY, None)
    return False


def forget_second_factor(request) -> None:
    """Read the second factor from the database again on the next request of this session."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(SESSION_SECOND_FACTOR_KEY, None)


def forget_second_factor_on_removal(sender, request=None, **kwargs) -> None:
    """allauth's ``authenticator_removed``: the next request reads the factors again."""
    if request is not None:
        forget_second_factor(request)


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user, [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])


def needs_two_factor(user, memberships) -> bool:
    """Superusers, and anyone with an active role that opens personal data (decision 0014)."""
    return user.is_superuser or any(m.role in ROLES_REQUIRING_TWO_FACTOR for m in memberships)


def user_needs_two_factor(user) -> bool:
    return needs_two_factor(user, active_memberships_of(user))
