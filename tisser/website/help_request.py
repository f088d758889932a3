"""The public "Demander de l'aide" request: a referral the person writes themselves.

It goes through the referral services like any other (a draft, then submitted), with no
actor, no partner and no referrer: the state machine sends it to moderation, where a
network admin checks it before the space sees it. The person is told by SMS or e-mail
that the request was received.

Abuse guards: a honeypot field (see the form) and a rate limit per IP address, counted in
the cache under a hash of the address (the address itself is never stored).
"""

import hashlib

from django.core.cache import cache
from django.db import transaction

from tisser.accounts import geo
from tisser.accounts.models import Site
from tisser.beneficiaries.enums import ContactChannel
from tisser.core.errors import DomainError
from tisser.core.phones import is_mobile
from tisser.notifications.services import notify
from tisser.referrals.enums import ReferralSource
from tisser.referrals.models import Referral
from tisser.referrals.services import referral_create_draft
from tisser.referrals.transitions import referral_submit

RATE_LIMIT = 5  # requests
RATE_WINDOW_SECONDS = 60 * 60  # per hour, per IP address


def _rate_key(ip: str) -> str:
    return "help-request:" + hashlib.sha256((ip or "unknown").encode()).hexdigest()[:32]


def rate_limited(ip: str) -> bool:
    return cache.get(_rate_key(ip), 0) >= RATE_LIMIT


def count_request(ip: str) -> None:
    key = _rate_key(ip)
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)


def preferred_channel(phone: str, email: str) -> str:
    if phone and is_mobile(phone):
        return ContactChannel.SMS
    if phone:
        return ContactChannel.CALL
    return ContactChannel.EMAIL


def nearest_site(postal_code: str) -> Site | None:
    found = geo.nearest_sites(postal_code, limit=1)
    return found[0] if found else None


def help_request_create(
    *,
    first_name: str,
    phone: str,
    email: str,
    postal_code: str,
    needs: list[str],
    site: Site | None = None,
) -> Referral:
    """Record the request at the chosen space, or the nearest one; it waits in moderation."""
    site = site or nearest_site(postal_code)
    if site is None:
        raise DomainError(
            "Aucun espace n'est ouvert près de chez vous pour le moment. Appelez le réseau."
        )
    with transaction.atomic():
        referral = referral_create_draft(
            actor=None,
            site=site,
            source=ReferralSource.PUBLIC_REQUEST,
            data={
                "first_name": first_name,
                "phone": phone,
                "email": email,
                "preferred_channel": preferred_channel(phone, email),
                "postal_code": postal_code,
                "needs": needs,
                # The person read the information notice on the form and ticked the consent box.
                "notice_given": True,
            },
        )
        referral = referral_submit(actor=None, referral=referral)
        notify(
            event_key=f"referral:{referral.pk}:help_request_received:person",
            template="help_request_received_person",
            recipient_kind="person",
            site=referral.site,
            subject=referral,
        )
    return referral
