"""The survey pages (helper S, issue 15): answering on the person's phone (the short link
``/avis/<token>/``, or « Donner mon avis » on the learner's home) or on the space's tablet
(the team opens a person's survey in kiosk mode and hands the tablet over).

One flow for both: « Voulez-vous répondre sans votre nom ? », then one question per screen
with big buttons (taps only, no JavaScript needed: each screen is a form whose hidden fields
carry the answers so far and whose buttons post the next one), then « Merci ». The answers
are saved when the last one arrives (``survey_services.survey_answer``), once: a second
submit shows « Vous avez déjà répondu, merci ». The survey pages use the learners' layout:
no staff navigation on the tablet.
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tisser.accounts.enums import Role
from tisser.core.access import learner_only, public, require_roles, scoped_object
from tisser.core.journal import record_page_read
from tisser.core.views_helpers import paginate
from tisser.learners.links import qr_data_uri
from tisser.training import survey_selectors
from tisser.training.enums import SurveyChannel, SurveyKind
from tisser.training.models import SurveyInvitation
from tisser.training.survey_services import (
    InvitationGone,
    InvitationUsed,
    invitation_by_token,
    is_open,
    survey_answer,
    survey_link,
    survey_path,
    survey_token,
)
from tisser.training.surveys import next_question, parse_answers, questions_for

# Who may hand the space's tablet to a person: the site's team.
TABLET_ROLES = (Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER)
YES, NO = "1", "0"


def _screen(request, template, context, status=200):
    request.personal_data = True
    return render(request, f"training/survey/{template}", context, status=status)


def _survey_flow(request, invitation, *, token: str, channel: str, kiosk: bool):
    """Render the screen the posted answers lead to, or save them after the last one."""
    kind = invitation.kind
    questions = questions_for(kind)
    context = {
        "kind": kind,
        "kiosk": kiosk,
        "action": request.path,
        "total": len(questions),
        "is_outcome": kind == SurveyKind.OUTCOME,
    }
    anonymous = request.POST.get("anonymous") if request.method == "POST" else None
    answers = parse_answers(kind, request.POST) if anonymous in (YES, NO) else {}
    if request.method == "POST" and request.POST.get("back"):
        # « Revenir »: forget the last answer (or the first choice).
        if answers:
            answers.popitem()
        else:
            anonymous = None
    if anonymous not in (YES, NO):
        return _screen(request, "anonymity.html", context)
    question = next_question(kind, answers)
    if question is None:
        try:
            survey_answer(token=token, answers=answers, anonymous=anonymous == YES, channel=channel)
        except InvitationUsed:
            return _screen(request, "already.html", context)
        except InvitationGone:
            return _screen(request, "gone.html", context, status=404)
        return _screen(request, "thanks.html", context)
    number = list(questions).index(question) + 1
    return _screen(
        request,
        "question.html",
        {
            **context,
            "anonymous": anonymous,
            "answered": [(f"q_{code}", value) for code, value in answers.items()],
            "question": question,
            "number": number,
        },
    )


@public
@require_http_methods(["GET", "POST"])
def answer(request, token):
    """The short link of the SMS: the survey of one invitation, for whoever holds it."""
    try:
        invitation = invitation_by_token(token)
    except InvitationUsed:
        return _screen(request, "already.html", {"kiosk": False})
    except InvitationGone:
        return _screen(request, "gone.html", {"kiosk": False}, status=404)
    return _survey_flow(request, invitation, token=token, channel=SurveyChannel.PHONE, kiosk=False)


@learner_only
@require_http_methods(["GET"])
def mine(request):
    """« Donner mon avis »: the signed-in learner's open surveys, each by its link."""
    invitations = list(survey_selectors.learner_invitations(learner=request.learner)[:10])
    if len(invitations) == 1:
        return HttpResponseRedirect(survey_path(invitations[0]))
    return render(
        request,
        "training/survey/mine.html",
        {"entries": [(invitation, survey_path(invitation)) for invitation in invitations]},
    )


@require_roles(*TABLET_ROLES)
@require_http_methods(["GET"])
def tablet(request):
    """« Questionnaire sur la tablette »: the site's open invitations, by first name."""
    page = paginate(request, survey_selectors.tablet_invitations(membership=request.membership))
    record_page_read(
        request,
        action="training.survey_tablet_listed",
        obj=request.membership.organisation,
        site=request.membership.organisation_id,
    )
    return render(request, "training/staff/survey_tablet.html", {"page": page})


@require_roles(*TABLET_ROLES)
@scoped_object(SurveyInvitation, roles=TABLET_ROLES)
@require_http_methods(["GET", "POST"])
def kiosk(request, obj):
    """The person's survey on the space's tablet, in the learners' layout (no staff menu).

    Nothing is journaled here: an entry timed to the second could be matched with an
    anonymous answer."""
    invitation = obj
    if invitation.kind != SurveyKind.SATISFACTION:
        return _screen(request, "gone.html", {"kiosk": True}, status=404)
    if invitation.used_at is not None:
        return _screen(request, "already.html", {"kiosk": True})
    token = survey_token(invitation)
    try:
        invitation_by_token(token)
    except InvitationGone:
        return _screen(request, "gone.html", {"kiosk": True}, status=404)
    except InvitationUsed:
        return _screen(request, "already.html", {"kiosk": True})
    return _survey_flow(request, invitation, token=token, channel=SurveyChannel.TABLET, kiosk=True)


@require_roles(*TABLET_ROLES)
@scoped_object(SurveyInvitation, roles=TABLET_ROLES)
@require_http_methods(["GET"])
def qr(request, obj):
    """The survey's link as a QR code: the person answers on their own phone."""
    if not is_open(obj):
        return _screen(request, "already.html" if obj.used_at else "gone.html", {"kiosk": True})
    link = survey_link(obj)
    request.personal_data = True
    return render(
        request,
        "training/staff/survey_qr.html",
        {"invitation": obj, "link": link, "qr": qr_data_uri(link)},
    )
