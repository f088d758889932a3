"""The one scoping mechanism used by every selector.

A member acts through their *current* membership. They see the objects owned by that
membership's organisation; a member of a network-wide role (the network admin, the
accounting role) sees every object of the network — within the views their role may open,
which ``require_roles`` decides. Each scoped
model says, in ``scope_path``, how to reach its owning organisation ("" for an
organisation itself, "site" for a model with a ``site`` foreign key, "referral__site"…).
"""

from django.db import models
from django.db.models import Q

# The roles held in a network organisation (``accounts.enums.ROLES_BY_KIND``), spelled as
# codes because core knows no domain; a test keeps both lists equal.
NETWORK_WIDE_ROLES = frozenset({"network_admin", "accountant"})


def scope_q(membership, path: str) -> Q:
    if membership is None or not membership.is_active:
        return Q(pk__in=[])
    prefix = f"{path}__" if path else ""
    own = Q(**{f"{prefix}pk": membership.organisation_id})
    if membership.role in NETWORK_WIDE_ROLES:
        return own | Q(**{f"{prefix}network_id": membership.organisation_id})
    return own


def scope_paths_of(model) -> tuple[str, ...]:
    """The owner path, then any other organisation that also sees the object.

    A referral, for instance, belongs to its target site and is also seen by its partner.
    """
    return (model.scope_path, *getattr(model, "extra_scope_paths", ()))


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, membership):
        condition = Q(pk__in=[])
        for path in scope_paths_of(self.model):
            condition |= scope_q(membership, path)
        return self.filter(condition)


def scoped_models():
    """Every installed model that declares a ``scope_path`` (used by the cross-site matrix)."""
    from django.apps import apps

    return [model for model in apps.get_models() if hasattr(model, "scope_path")]
