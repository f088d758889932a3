"""From the person's file: « Modules » (found by core.timeline).

Network admins and the site team that holds the file are offered the person's modules:
give some, follow what was done, print the sheet.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.core.timeline import FileAction

SITE_TEAM = (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)


def file_actions(beneficiary, membership) -> list[FileAction]:
    if membership is None or not membership.is_active or beneficiary.merged_into_id:
        return []
    own_site = membership.role in SITE_TEAM and membership.organisation_id == beneficiary.site_id
    if not own_site and membership.role != Role.NETWORK_ADMIN:
        return []
    url = reverse("modules:person", kwargs={"pk": beneficiary.pk})
    return [FileAction(label=_("Modules"), url=url)]
