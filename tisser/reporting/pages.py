"""From a request to what a dashboard shows: the reader's scope, the filters of the query
string, the selection, the audience and the title (decision 0055, dashboards).

The page, its chart downloads and the XLSX, CSV and PDF exports read a request the same
way through :func:`read`, so a shared address shows the same figures everywhere.
``kind`` is one of ``forms.KINDS``: the network's, a site's, a funder's or a programme's
dashboard (the exports receive it as ``?tableau=``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.reporting import dashboard
from tisser.reporting.dashboard_types import Audience, Dashboard
from tisser.reporting.figures import Selection
from tisser.reporting.forms import FUNDER, KINDS, NETWORK, PROGRAMME, SITE, DashboardFilterForm
from tisser.reporting.selection import (
    FUNDER_VIEW_READERS,
    NETWORK_READERS,
    SITE_READERS,
    Filters,
    Scope,
    funder_view_scope,
    reader_scope,
    selection_for,
)

# Who opens which dashboard.
READERS = {
    NETWORK: NETWORK_READERS,
    SITE: (Role.NETWORK_ADMIN, *SITE_READERS),
    FUNDER: FUNDER_VIEW_READERS,
    PROGRAMME: (Role.NETWORK_ADMIN, *SITE_READERS, Role.FUNDER_VIEWER),
}
# Query-string names that are not filters (the page's own words).
NOT_FILTERS = ("graphique", "tableau")


@dataclass
class Page:
    kind: str
    form: DashboardFilterForm
    scope: Scope
    audience: str
    title: str
    filters: Filters
    described: list[tuple[str, str]]
    selection: Selection | None  # None until the reader picks a site, funder or programme
    prompt: str = ""  # what to pick first, in words
    funder: object = None  # the funder whose view this is
    programme: object = None
    site: object = None

    def build(self) -> Dashboard | None:
        if self.selection is None:
            return None
        return dashboard.build(
            self.selection,
            audience=self.audience,
            title=self.title,
            filters_described=self.described,
            compare=self.filters.compare,
        )


def filter_data(query):
    """The query string without the page's own words (None when no filter is sent)."""
    data = query.copy()
    for name in NOT_FILTERS:
        data.pop(name, None)
    return data or None


def read(request, kind: str) -> Page:
    """The page of ``kind`` as ``request``'s reader may see it (403 for a role that may not
    open it)."""
    if kind not in KINDS:
        raise ValueError(kind)
    membership = request.membership
    if membership is None or membership.role not in READERS[kind]:
        raise PermissionDenied
    scope = reader_scope(membership)
    form = DashboardFilterForm(filter_data(request.GET), scope=scope, kind=kind)
    filters = form.filters()
    described = form.described(filters)
    page = Page(
        kind=kind,
        form=form,
        scope=scope,
        audience=Audience.STAFF,
        title=_("Chiffres du réseau"),
        filters=filters,
        described=described,
        selection=None,
    )
    if kind == NETWORK:
        funder = form.chosen("financeur")
        if funder is not None:
            page.scope = funder_view_scope(scope, funder)
            page.funder = funder
    elif kind == SITE:
        if scope.site_ids is not None:
            page.site = membership.organisation
        else:
            page.site = form.chosen("espace")
            if page.site is None:
                page.prompt = _("Choisissez un espace pour voir ses chiffres.")
                return page
        page.title = _("Chiffres de l'espace %(name)s") % {"name": page.site.name}
    elif kind == FUNDER:
        page.audience = Audience.FUNDER
        if scope.is_funder:
            page.funder = membership.organisation
        else:
            page.funder = form.chosen("financeur")
            if page.funder is None:
                page.prompt = _("Choisissez un financeur pour voir ses chiffres comme il les voit.")
                return page
            page.scope = funder_view_scope(scope, page.funder)
        page.title = _("Chiffres de %(name)s") % {"name": page.funder.name}
    elif kind == PROGRAMME:
        if scope.is_funder:
            page.audience = Audience.FUNDER
        page.programme = form.chosen("programme")
        if page.programme is None:
            page.prompt = _("Choisissez un programme pour voir ses chiffres.")
            return page
        page.title = _("Chiffres du programme %(name)s") % {"name": page.programme.name}
    if kind == SITE and page.site is not None:
        filters = Filters(**{**filters.__dict__, "site_ids": frozenset({page.site.pk})})
        page.filters = filters
    page.selection = selection_for(page.scope, filters)
    return page
