"""The one guard for every form that an anonymous visitor may submit.

Any app that takes input from people who are not signed in (the public help request now,
the learner sign-in later) declares one ``AnonymousFormGuard``, adds ``HoneypotMixin`` to
its form, and lets ``guard.screen(request, form)`` decide before doing anything::

    GUARD = AnonymousFormGuard(scope="help-request", limit=5, window_seconds=60 * 60)

    verdict = GUARD.screen(request, form)
    if verdict is Verdict.ROBOT:          # pretend it worked, do nothing
    if verdict is Verdict.RATE_LIMITED:   # answer 429 with a French message
    if verdict is Verdict.VALID:          # call the service

What it does: a robot that fills the honeypot counts against its address and learns
nothing; an invalid form (a typing mistake) costs nothing; a valid submission is counted
atomically per address (``tisser.core.ratelimit``) and refused beyond the limit. IPv6
addresses are counted per /64, the block one subscriber usually holds. Two wider limits
stop someone who holds many addresses: one per provider-sized network (an IPv6 /48), and
one for all visitors of the form together.

What it does not do, and the rules each app keeps (docs/decisions/0010-anonymous-forms.md):
no text typed by the visitor goes into a message sent in our name, and any SMS or e-mail
the form triggers goes through ``tisser.notifications.caps``.
"""

import enum
import ipaddress
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from tisser.core import ratelimit
from tisser.core.client_ip import client_ip

# The honeypot's name looks like a field a robot would fill ("website").
HONEYPOT_FIELD = "site_web"
IPV6_PREFIX = 64
# A site or a small provider is usually given an IPv6 /48: 65,536 subscriber blocks.
IPV6_NETWORK_PREFIX = 48


class Verdict(enum.Enum):
    ROBOT = "robot"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    VALID = "valid"


class HoneypotMixin(forms.Form):
    """A field people never see (the template wraps it in ``<div class="form-trap"
    aria-hidden="true">``, hidden by CSS, out of the tab order). Robots fill it."""

    site_web = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool((self.data.get(HONEYPOT_FIELD) or "").strip())

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT_FIELD]


def client_identity(request, *, ipv6_prefix: int = IPV6_PREFIX) -> str:
    """The address a rate limit counts: the IPv4 address, or the IPv6 network (a /64 by
    default, the block one subscriber usually holds).

    The address comes from ``tisser.core.client_ip``: REMOTE_ADDR, or behind a reverse
    proxy the entry that our trusted proxy wrote (never one typed by the client).
    """
    raw = client_ip(request)
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{ipv6_prefix}", strict=False))
    return str(address)


@dataclass(frozen=True)
class AnonymousFormGuard:
    scope: str
    limit: int  # per address (IPv6: per /64)
    window_seconds: int
    network_limit: int | None = None  # per IPv6 /48 (an IPv4 address is its own network)
    overall_limit: int | None = None  # every visitor of the form together

    def allow(self, request, *, now=None) -> bool:
        """Count one submission from the request's address; False beyond any limit."""
        counters = [(self.scope, client_identity(request), self.limit)]
        if self.network_limit is not None:
            network = client_identity(request, ipv6_prefix=IPV6_NETWORK_PREFIX)
            counters.append((f"{self.scope}:network", network, self.network_limit))
        if self.overall_limit is not None:
            counters.append((f"{self.scope}:overall", "everyone", self.overall_limit))
        allowed = True
        for scope, identity, limit in counters:
            # Every counter counts the attempt, so a refused burst also uses up the wider ones.
            allowed = (
                ratelimit.hit(
                    scope, identity, limit=limit, window_seconds=self.window_seconds, now=now
                )
                and allowed
            )
        return allowed

    def screen(self, request, form: HoneypotMixin, *, now=None) -> Verdict:
        """Judge a bound form: only robots and valid submissions are counted."""
        if form.is_robot:
            self.allow(request, now=now)
            return Verdict.ROBOT
        if not form.is_valid():
            return Verdict.INVALID
        if not self.allow(request, now=now):
            return Verdict.RATE_LIMITED
        return Verdict.VALID
