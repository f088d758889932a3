from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from tisser.core.client_ip import client_ip


class TisserAccountAdapter(DefaultAccountAdapter):
    """Invitation-only accounts, and no hint about whether an account exists or is locked."""

    # A locked account answers exactly like a wrong password, so an attacker learns nothing
    # from the lockout about which addresses have accounts.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": DefaultAccountAdapter.error_messages["email_password_mismatch"],
    }

    def get_client_ip(self, request):
        """allauth's rate limits count the same address as Tisser's own (behind a proxy too)."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def is_open_for_signup(self, request):
        # Members join through an invitation link (accounts.services.invitation_accept).
        return False

    def authenticate(self, request, **credentials):
        """A deactivated account answers like a wrong password.

        allauth would otherwise send the right password of a deactivated account to its
        "account inactive" page, telling the person typing that the address has an account.
        """
        user = super().authenticate(request, **credentials)
        if user is not None and not user.is_active:
            return None
        return user
