"""Who may read which figures, and the :class:`~tisser.reporting.figures.Selection` a
dashboard reads (decision 0055, dashboards).

- A network admin (and the accounting role) reads the whole network; a network admin may
  also open « the funder's view » of any funder of the network.
- A site manager or a mediator reads their own site only.
- A funder's member reads what their conventions cover (:class:`FunderReach`): the sites
  they cover, during each convention's dates; what the dotations of those conventions gave;
  the programmes whose convention is theirs. Never another funder's.

Nothing here trusts the query string: the filters come from
:class:`tisser.reporting.forms.DashboardFilterForm`, whose choices are already cut to the
reader's scope, and :func:`selection_for` intersects them with the scope once more.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from tisser.accounts.enums import Role
from tisser.accounts.models import Funder, Site
from tisser.funding.models import Convention, Dotation
from tisser.reporting.enums import FacetKind
from tisser.reporting.figures import FunderReach, Selection
from tisser.training.models import Programme

NETWORK_READERS = (Role.NETWORK_ADMIN, Role.ACCOUNTANT)
SITE_READERS = (Role.SITE_MANAGER, Role.MEDIATOR)
FUNDER_READERS = (Role.FUNDER_VIEWER,)
# Who may open a funder's view: the funder's own members, and the network admin.
FUNDER_VIEW_READERS = (Role.FUNDER_VIEWER, Role.NETWORK_ADMIN)
ALL_READERS = (*NETWORK_READERS, *SITE_READERS, *FUNDER_READERS)


@dataclass(frozen=True)
class Scope:
    """What a reader may count: the network, and either every site, some sites, or a
    funder's reach."""

    network_id: int
    role: str
    site_ids: frozenset[int] | None = None  # None: every site of the network
    funder_id: int | None = None  # the funder whose conventions narrow every figure

    @property
    def is_funder(self) -> bool:
        return self.funder_id is not None


def reader_scope(membership) -> Scope:
    """The scope of ``membership``; refused (403) for a missing membership or a role that
    reads no figure."""
    if membership is None or not membership.is_active:
        raise PermissionDenied
    role = membership.role
    organisation = membership.organisation
    if role in NETWORK_READERS:
        return Scope(network_id=organisation.pk, role=role)
    if organisation.network_id is None:
        raise PermissionDenied
    if role in SITE_READERS:
        return Scope(
            network_id=organisation.network_id, role=role, site_ids=frozenset({organisation.pk})
        )
    if role in FUNDER_READERS:
        return Scope(network_id=organisation.network_id, role=role, funder_id=organisation.pk)
    raise PermissionDenied


def funder_view_scope(scope: Scope, funder: Funder) -> Scope:
    """A network admin's view of ``funder``'s figures (a funder of the same network)."""
    if scope.role != Role.NETWORK_ADMIN or funder.network_id != scope.network_id:
        raise PermissionDenied
    return dataclasses.replace(scope, funder_id=funder.pk)


def funder_reach(funder_id: int) -> FunderReach:
    """What ``funder_id``'s conventions cover (three queries)."""
    windows: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    rows = Convention.sites.through.objects.filter(convention__funder_id=funder_id).values_list(
        "site_id", "convention__starts_on", "convention__ends_on"
    )
    for site_id, starts_on, ends_on in rows:
        windows[site_id].append((starts_on, ends_on))
    dotations = Dotation.objects.filter(convention__funder_id=funder_id).values_list(
        "pk", flat=True
    )
    programmes = Programme.objects.filter(convention__funder_id=funder_id).values_list(
        "pk", flat=True
    )
    return FunderReach(
        funder_id=funder_id,
        site_windows={site: tuple(sorted(set(spans))) for site, spans in windows.items()},
        dotations=frozenset(dotations),
        programmes=frozenset(programmes),
    )


def readable_sites(scope: Scope):
    """The sites the reader may pick in the filters: the network's; a site reader's own;
    those a funder's conventions cover."""
    sites = Site.objects.filter(network_id=scope.network_id)
    if scope.site_ids is not None:
        sites = sites.filter(pk__in=sorted(scope.site_ids))
    if scope.funder_id is not None:
        sites = sites.filter(
            pk__in=Convention.sites.through.objects.filter(
                convention__funder_id=scope.funder_id
            ).values("site_id")
        )
    return sites.order_by("name")


def readable_programmes(scope: Scope):
    """The programmes the reader may pick: the network's; for a site reader those with a
    group at their site; for a funder those it funds."""
    programmes = Programme.objects.filter(network_id=scope.network_id)
    if scope.is_funder:
        return programmes.filter(convention__funder_id=scope.funder_id).order_by("name")
    if scope.site_ids is not None:
        from tisser.training.models import Cohort

        programmes = programmes.filter(
            pk__in=Cohort.objects.filter(site_id__in=sorted(scope.site_ids)).values("programme_id")
        )
    return programmes.order_by("name")


@dataclass(frozen=True)
class Filters:
    """The filters a reader chose, already checked against their scope."""

    start: datetime.date
    end: datetime.date
    compare: bool = False
    site_ids: frozenset[int] | None = None  # a site, or the sites of a city
    programme_id: int | None = None
    partner_id: int | None = None


def selection_for(scope: Scope, filters: Filters, *, reach: FunderReach | None = None) -> Selection:
    """The selection a dashboard reads: the scope's sites cut to the chosen ones, the
    chosen programme or partner as facets, and the funder's reach (read here when not
    given)."""
    site_ids = scope.site_ids
    if filters.site_ids is not None:
        site_ids = filters.site_ids if site_ids is None else site_ids & filters.site_ids
    facets: dict[FacetKind, frozenset[int]] = {}
    if filters.programme_id is not None:
        facets[FacetKind.PROGRAMME] = frozenset({filters.programme_id})
    if filters.partner_id is not None:
        facets[FacetKind.PARTNER] = frozenset({filters.partner_id})
    if scope.is_funder and reach is None:
        assert scope.funder_id is not None
        reach = funder_reach(scope.funder_id)
    return Selection(
        network_id=scope.network_id,
        start=filters.start,
        end=filters.end,
        site_ids=site_ids,
        facets=facets,
        reach=reach if scope.is_funder else None,
    )


def previous(selection: Selection) -> Selection:
    """The period of the same length just before the selection's."""
    length = selection.end - selection.start + datetime.timedelta(days=1)
    return dataclasses.replace(
        selection,
        start=selection.start - length,
        end=selection.start - datetime.timedelta(days=1),
    )
