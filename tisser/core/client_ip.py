"""The visitor's address, the one every rate limit and allauth count.

Without a reverse proxy the address is REMOTE_ADDR. Behind one (nginx, a load balancer),
REMOTE_ADDR is the proxy's address, shared by every visitor: the real one comes from the
header the proxy writes, named in ``TRUSTED_PROXY_HEADER`` (``X-Forwarded-For``), with
``TRUSTED_PROXY_COUNT`` proxies in front of the application.

A client may send its own X-Forwarded-For; each proxy appends the address it saw on the
right. The address written by the outermost of our N proxies is therefore the Nth entry
from the right, and anything to its left was typed by the client and is ignored. A request
whose header holds fewer than N entries did not come through our proxies: REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def _clean(raw: str) -> str | None:
    """A canonical address from one header entry, or None if it is not one."""
    value = raw.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_ip(request) -> str:
    """The client's address as seen by our outermost trusted proxy, else REMOTE_ADDR.

    Returns "" when neither gives an address.
    """
    header = getattr(settings, "TRUSTED_PROXY_HEADER", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if header and count > 0:
        hops = [hop for hop in request.META.get(_meta_key(header), "").split(",") if hop.strip()]
        if len(hops) >= count:
            address = _clean(hops[-count])
            if address is not None:
                return address
    return _clean(request.META.get("REMOTE_ADDR", "")) or ""
