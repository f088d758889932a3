"""The message the diagnostics app sends (found by notifications.kinds).

When a person finishes their diagnostic alone, on their own phone, the team of their file's
site is told, so that someone looks at the results with them. The text names the file by
its number and links to it; it says nothing of the levels.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.messages import absolute_url
from tisser.notifications.models import RecipientKind

SUBJECT_TYPE = "diagnostics.diagnostic"


def diagnostic_context(diagnostic) -> dict[str, Any]:
    return {
        "file_number": diagnostic.beneficiary.file_number,
        "diagnostic_kind": str(diagnostic.get_kind_display()).lower(),
        "file_url": absolute_url(diagnostic.beneficiary),
    }


def diagnostic_contact(diagnostic) -> Contact:
    # The site team's addresses are read by notifications itself (RecipientKind.SITE_TEAM).
    return Contact()


register_kind(
    "diagnostic_finished_alone_site",
    label=_("Diagnostic terminé seul par la personne"),
    recipient_kind=RecipientKind.SITE_TEAM,
    subject_type=SUBJECT_TYPE,
    template="diagnostics/messages/diagnostic_finished_alone_site",
    context=diagnostic_context,
    contact=diagnostic_contact,
)
