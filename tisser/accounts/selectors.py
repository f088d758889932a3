"""Reads about members and organisations, always scoped by the acting membership."""

from django.db.models import Count, Prefetch, Q, QuerySet

from tisser.accounts.enums import OrganisationKind, Role
from tisser.accounts.models import (
    Closure,
    Funder,
    Invitation,
    Membership,
    OpeningHours,
    Organisation,
    Partner,
    Site,
    User,
)
from tisser.core import clock
from tisser.core.fixed_queries import FixedQuery


def active_memberships_of(user):
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


_MEMBERSHIP_FIELDS = [field.attname for field in Membership._meta.concrete_fields]
_ORGANISATION_FIELDS = [field.attname for field in Organisation._meta.concrete_fields]
_USER_FIELDS = [field.attname for field in User._meta.concrete_fields]


def _memberships_query(user: int) -> QuerySet:
    return (
        Membership.objects.active()
        .filter(user_id=user)
        .order_by("organisation__name")
        .values(
            *_MEMBERSHIP_FIELDS,
            *(f"organisation__{name}" for name in _ORGANISATION_FIELDS),
            # The user too: the join is there already (active() reads the user's is_active),
            # and the session's user is then read with the memberships (accounts.backends).
            *(f"user__{name}" for name in _USER_FIELDS),
        )
    )


# Read on every signed-in request: compiled once per process
# (docs/decisions/0048-fixed-queries.md).
_MEMBERSHIPS = FixedQuery("accounts.memberships_of_request", _memberships_query)

# Where ``user_with_memberships`` leaves the memberships it read on the user object.
MEMBERSHIPS_READ_ATTRIBUTE = "_tisser_active_memberships"


def _memberships_from_rows(rows, user) -> list[Membership]:
    memberships = []
    for row in rows:
        membership = Membership.from_db(
            "default", _MEMBERSHIP_FIELDS, [row[name] for name in _MEMBERSHIP_FIELDS]
        )
        organisation = Organisation.from_db(
            "default",
            _ORGANISATION_FIELDS,
            [row[f"organisation__{name}"] for name in _ORGANISATION_FIELDS],
        )
        Membership.organisation.field.set_cached_value(membership, organisation)
        Membership.user.field.set_cached_value(membership, user)
        memberships.append(membership)
    return memberships


def user_with_memberships(user_id: int) -> User | None:
    """The user and their active memberships (with their organisations) in one query, for the
    session's user (``accounts.backends``): the memberships are kept on the user object for
    ``memberships_of_request``. None when the user has no active membership (then the caller
    reads the user alone, as Django does)."""
    rows = _MEMBERSHIPS.rows(user=user_id)
    if not rows:
        return None
    user = User.from_db(
        "default", _USER_FIELDS, [rows[0][f"user__{name}"] for name in _USER_FIELDS]
    )
    setattr(user, MEMBERSHIPS_READ_ATTRIBUTE, _memberships_from_rows(rows, user))
    return user


def memberships_of_request(user) -> list[Membership]:
    """``active_memberships_of(user)``, as objects with their organisation and their user
    (``user``, already read), from SQL compiled once: the middleware's one query, or none
    when the session's user was read with them (``user_with_memberships``)."""
    already = getattr(user, MEMBERSHIPS_READ_ATTRIBUTE, None)
    if already is not None:
        return already
    return _memberships_from_rows(_MEMBERSHIPS.rows(user=user.pk), user)


_PARTNER_CHOICES = FixedQuery(
    "accounts.partner_choices",
    lambda network: (
        Partner.objects.filter(network_id=network).order_by("name").values("id", "name")
    ),
)
_SITE_CHOICES = FixedQuery(
    "accounts.site_choices",
    lambda network: (
        Site.objects.filter(network_id=network).order_by("city", "name").values("id", "name")
    ),
)


def partner_choices(*, network_id: int) -> list[tuple[int, str]]:
    """(id, name) of the network's partners by name: a filter's list, drawn on every page of
    the inbox (``Partner.objects.filter(network_id=…).order_by("name")``)."""
    return [(row["id"], row["name"]) for row in _PARTNER_CHOICES.rows(network=network_id)]


def site_choices(*, network_id: int) -> list[tuple[int, str]]:
    """(id, name) of the network's sites by city and name, for a network admin's filter."""
    return [(row["id"], row["name"]) for row in _SITE_CHOICES.rows(network=network_id)]


def choose_current_membership(memberships, preferred_id):
    """The membership the user acts through: the one chosen in the header, else the first.

    ``memberships``: the user's active memberships, already read with their organisation
    (``active_memberships_of``, one query for the whole request); those of a closed
    organisation are left out."""
    memberships = [m for m in memberships if m.organisation.is_active]
    if not memberships:
        return None
    for membership in memberships:
        if membership.pk == preferred_id:
            break
    else:
        # No choice made yet: the person's first membership, usually their home organisation.
        membership = min(memberships, key=lambda candidate: candidate.pk)
    membership.switchable = memberships
    return membership


def site_list(*, membership):
    return (
        Site.objects.visible_to(membership)
        .prefetch_related("opening_hours")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("city", "name")
    )


def partner_list(*, membership):
    return Partner.objects.visible_to(membership).order_by("name")


def funder_list(*, membership):
    return Funder.objects.visible_to(membership).order_by("name")


def member_list(*, membership, organisation=None):
    queryset = Membership.objects.visible_to(membership).select_related("user", "organisation")
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.order_by("-is_active", "user__last_name", "user__first_name", "user__email")


def pending_invitation_list(*, membership):
    return (
        Invitation.objects.visible_to(membership)
        .pending()
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def organisations_for_invitation(*, membership):
    """Organisations the actor may invite people into: their own, or the network's for admins."""
    return Organisation.objects.visible_to(membership).active().order_by("kind", "name")


def network_counts(*, membership) -> dict[str, int]:
    """Counts for the network admin's home page (one query)."""
    orgs = Organisation.objects.visible_to(membership).aggregate(
        sites=Count("pk", filter=Q(kind=OrganisationKind.SITE, is_active=True)),
        partners=Count("pk", filter=Q(kind=OrganisationKind.PARTNER, is_active=True)),
        funders=Count("pk", filter=Q(kind=OrganisationKind.FUNDER, is_active=True)),
    )
    orgs["members"] = Membership.objects.visible_to(membership).active().count()
    return orgs


def site_home(*, membership):
    """A site manager's or mediator's own site, with its team and opening hours."""
    site = (
        Site.objects.visible_to(membership)
        .prefetch_related(
            Prefetch(
                "opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")
            ),
        )
        .get(pk=membership.organisation_id)
    )
    team = (
        Membership.objects.active()
        .filter(organisation_id=site.pk)
        .select_related("user")
        .order_by("role", "user__last_name")
    )
    return site, team


ROLE_ORDER = [choice for choice, _ in Role.choices]


def public_network_figures() -> dict:
    """The network's name and how many active spaces and cities it has (two queries)."""
    figures = Site.objects.active().aggregate(
        sites=Count("pk"), cities=Count("city", distinct=True)
    )
    network = (
        Organisation.objects.filter(kind=OrganisationKind.NETWORK, is_active=True)
        .order_by("pk")
        .only("name", "email", "phone")
        .first()
    )
    figures["network"] = network
    return figures


def closure_list(*, membership) -> QuerySet[Closure]:
    """The closures of the member's sites that are not over yet, soonest first."""
    return (
        Closure.objects.visible_to(membership)
        .filter(ends_on__gte=clock.localdate())
        .select_related("site")
        .order_by("starts_on", "pk")
    )
