"""Which second factors a person has, for the sign-in and account security pages."""

from django import template

register = template.Library()


@register.filter
def second_factors(user) -> frozenset[str]:
    """The authenticator types of ``user``: "totp", "webauthn", "recovery_codes"."""
    from allauth.mfa.models import Authenticator

    if user is None or getattr(user, "pk", None) is None:
        return frozenset()
    return frozenset(Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True))
