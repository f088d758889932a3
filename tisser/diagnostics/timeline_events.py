"""From the person's file: « Diagnostic des compétences » (found by core.timeline).

The site team that holds the file and the network admins are offered the page where the
entry or exit diagnostic is started with the person or on paper, or resumed.
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
    url = reverse("diagnostics:person", kwargs={"pk": beneficiary.pk})
    return [FileAction(label=_("Diagnostic des compétences"), url=url)]
