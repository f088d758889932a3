"""The badge of the navigation: new referrals for the site team, moderation for admins."""

from functools import cache

from tisser.referrals import selectors


def referral_counts(request):
    """``referral_counts`` is computed only when a template reads it (one query, then kept)."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {"referral_counts": cache(lambda: selectors.inbox_counts(membership=membership))}
