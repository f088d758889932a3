"""The messages of the training app, registered with notifications (found by
notifications.kinds). Shared by the helpers of issue 15: each appends its own block."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from tisser.notifications.kinds import Contact, register_kind
from tisser.notifications.models import RecipientKind
from tisser.training.survey_services import is_open, survey_link

# --- Surveys (helper S) ---------------------------------------------------------------------


def survey_contact(invitation) -> Contact:
    """The person, while the invitation can still be answered and their file is in use: a
    survey answered (on the tablet) or expired before the message left goes nowhere."""
    person = invitation.beneficiary
    if not is_open(invitation) or person.merged_into_id is not None:
        return Contact(preferred_channel=person.preferred_channel)
    return Contact(
        first_name=person.first_name,
        last_name=person.last_name,
        phone=person.phone,
        email=person.email,
        preferred_channel=person.preferred_channel,
    )


def survey_context(invitation) -> dict[str, Any]:
    """The short link, rebuilt from the invitation when the message leaves."""
    cohort = invitation.enrolment.cohort if invitation.enrolment_id else None
    return {
        "survey_link": survey_link(invitation),
        "programme_name": cohort.programme.name if cohort is not None else "",
    }


register_kind(
    "training_survey_person",
    label=_("Questionnaire de satisfaction"),
    recipient_kind=RecipientKind.PERSON,
    subject_type="training.surveyinvitation",
    template="training/messages/training_survey_person",
    context=survey_context,
    contact=survey_contact,
)
register_kind(
    "training_outcome_person",
    label=_("Questions six mois après"),
    recipient_kind=RecipientKind.PERSON,
    subject_type="training.surveyinvitation",
    template="training/messages/training_outcome_person",
    context=survey_context,
    contact=survey_contact,
)
# --- end Surveys (helper S) -----------------------------------------------------------------
