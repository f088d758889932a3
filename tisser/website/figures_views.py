"""The public figures page: the network's headline figures and its cities (issue 16).

Read from the latest daily snapshot (``tisser.reporting.public``); a fresh installation
with no snapshot yet computes one, so the demo shows figures at once.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import render

from tisser.core.access import public
from tisser.reporting import places
from tisser.reporting import public as public_figures
from tisser.website import selectors


def _percent(cell: dict | None) -> dict | None:
    """A stored rate (« 0.9345 ») as a whole percentage for the page (« 93 »)."""
    if cell is None:
        return None
    value = cell["value"]
    if value is not None:
        value = int((Decimal(value) * 100).to_integral_value())
    return {"value": value, "hidden": cell["hidden"]}


@public
def figures(request):
    network = public_figures.networks().first()
    if network is None:
        raise Http404
    snapshot = public_figures.latest(network) or public_figures.refresh_network(network)
    data = snapshot.figures
    headline = data["headline"]
    context = {
        "figures": selectors.public_network_figures(),
        "snapshot": data,
        "computed_on": datetime.date.fromisoformat(data["computed_on"]),
        "first_day": datetime.date.fromisoformat(data["first_day"]),
        "headline": headline,
        "satisfaction": _percent(headline.get("satisfaction_rate_year")),
        "cities": data["cities"],
        "total": data["total"],
        "historic": data["historic"],
    }
    return render(request, "website/figures.html", context)


@public
def places_csv(request):
    """The network's spaces in the national places standard: public, like the map."""
    network = public_figures.networks().first()
    if network is None:
        raise Http404
    return places.download(network)
