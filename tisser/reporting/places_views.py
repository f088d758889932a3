"""Staff downloads for the national digital-mediation tools (issue 16): the network's places
in the national standard, and the network-wide activity export (§1.5 layout)."""

from __future__ import annotations

from django.shortcuts import render

from tisser.accounts.enums import Role
from tisser.core.access import require_roles
from tisser.reporting import places


@require_roles(Role.NETWORK_ADMIN)
def national_exports(request):
    network = request.membership.organisation
    return render(
        request,
        "reporting/national_exports.html",
        {
            "missing": places.missing_pivot(network),
            "version": places.VERSION,
        },
    )


@require_roles(Role.NETWORK_ADMIN)
def places_csv(request):
    return places.download(request.membership.organisation)
