"""Satisfaction surveys (issue 15, helper S): the rate, the invitations (cohort close,
period close, daily catch-up), one answer per invitation, anonymity, expired and used
links, the tablet in kiosk mode and the learner's « Donner mon avis »."""

import datetime
import hashlib

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.accounts.factories import MembershipFactory
from tests.beneficiaries.factories import AccompanimentPeriodFactory, BeneficiaryFactory
from tests.learners.helpers import sign_in_learner
from tests.training.factories import (
    CohortFactory,
    EnrolmentFactory,
    SurveyInvitationFactory,
    SurveyResponseFactory,
)
from tisser.accounts.enums import Role
from tisser.beneficiaries.enums import PeriodCloseReason
from tisser.beneficiaries.services import accompaniment_period_close
from tisser.core import hooks
from tisser.core.timeline import beneficiary_timeline as timeline_for
from tisser.notifications import sms
from tisser.notifications.models import Notification
from tisser.training import survey_selectors
from tisser.training.enums import EnrolmentStatus, SurveyChannel, SurveyKind
from tisser.training.models import SurveyInvitation, SurveyResponse
from tisser.training.survey_services import (
    InvitationUsed,
    send_cohort_invitations,
    survey_answer,
    survey_invite_cohort,
    survey_invite_period,
    survey_link,
    survey_token,
)
from tisser.training.surveys import SATISFACTION_QUESTIONS, satisfaction_counts

pytestmark = pytest.mark.django_db

ALL_FIVE = {question.code: 5 for question in SATISFACTION_QUESTIONS}


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def _closed_cohort(site, *, people=2, **kwargs):
    cohort = CohortFactory(site=site, closed_on=timezone.localdate(), **kwargs)
    enrolments = [
        EnrolmentFactory(
            cohort=cohort, beneficiary=BeneficiaryFactory(site=site, phone=f"+3361234567{n}")
        )
        for n in range(people)
    ]
    return cohort, enrolments


def _invitation(site, **kwargs):
    kwargs.setdefault("sent_at", timezone.now())
    invitation = SurveyInvitationFactory(site=site, **kwargs)
    invitation.token_hash = hashlib.sha256(survey_token(invitation).encode()).hexdigest()
    invitation.save(update_fields=["token_hash"])
    return invitation


def _answer_all(client, url, *, anonymous="1", value="5"):
    """Tap through every screen as the person would: each POST carries the hidden fields of
    the screen it comes from and the tapped button."""
    response = client.get(url)
    assert "Voulez-vous répondre sans votre nom ?" in response.content.decode()
    data = {"anonymous": anonymous}
    response = client.post(url, data)
    for question in SATISFACTION_QUESTIONS:
        assert escape(str(question.text)) in response.content.decode()
        data[f"q_{question.code}"] = value
        response = client.post(url, data)
    return response, data


# --- The rate ---------------------------------------------------------------------------------


def test_the_rate_is_the_share_of_satisfied_and_very_satisfied_on_the_overall_question(site):
    for overall in (5, 5, 4, 3, 2, 1, 5, 4):
        SurveyResponseFactory(site=site, overall=overall)
    # An outcome answer and a response without the overall question are not counted.
    SurveyResponseFactory(site=site, kind=SurveyKind.OUTCOME, overall=None, answers={})
    SurveyResponseFactory(site=site, overall=None, answers={})
    counts = satisfaction_counts(SurveyResponse.objects.all())
    assert counts["answers"] == 8
    assert counts["satisfied"] == 5
    assert str(counts["rate"]) == "0.6250"


def test_no_answer_gives_no_rate_rather_than_zero(site):
    assert satisfaction_counts(SurveyResponse.objects.all()) == {
        "answers": 0,
        "satisfied": 0,
        "rate": None,
    }


def test_the_rate_selector_filters_by_site_cohort_and_days_within_the_members_scope(
    site, other_site, network_admin, mediator
):
    cohort = CohortFactory(site=site)
    SurveyResponseFactory(site=site, cohort=cohort, programme=cohort.programme, overall=5)
    SurveyResponseFactory(site=site, overall=2, answered_on=datetime.date(2026, 1, 5))
    SurveyResponseFactory(site=other_site, overall=5)
    assert survey_selectors.satisfaction_rate(membership=network_admin)["answers"] == 3
    # The site's mediator counts their site only.
    assert survey_selectors.satisfaction_rate(membership=mediator)["answers"] == 2
    by_cohort = survey_selectors.satisfaction_rate(membership=network_admin, cohort=cohort)
    assert (by_cohort["answers"], str(by_cohort["rate"])) == (1, "1.0000")
    january = survey_selectors.satisfaction_rate(
        membership=network_admin,
        since=datetime.date(2026, 1, 1),
        until=datetime.date(2026, 1, 31),
    )
    assert (january["answers"], january["satisfied"]) == (1, 0)
    both = survey_selectors.satisfaction_rate(
        membership=network_admin, sites=[site.pk, other_site.pk]
    )
    assert both["answers"] == 3
    assert survey_selectors.satisfaction_rate(membership=None)["answers"] == 0


# --- Invitations ------------------------------------------------------------------------------


def test_closing_a_period_invites_the_person_once_with_a_short_link(
    site, django_capture_on_commit_callbacks
):
    manager = MembershipFactory(organisation=site, role=Role.SITE_MANAGER)
    person = BeneficiaryFactory(site=site, phone="+33612345678", first_name="Awa")
    period = AccompanimentPeriodFactory(site=site, beneficiary=person)
    with django_capture_on_commit_callbacks(execute=True):
        accompaniment_period_close(
            actor=manager, period=period, reason=PeriodCloseReason.AUTONOMOUS
        )
    invitation = SurveyInvitation.objects.get()
    assert (invitation.period, invitation.beneficiary, invitation.kind) == (
        period,
        person,
        SurveyKind.SATISFACTION,
    )
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=30)
    [message] = sms.outbox
    assert message.to == "+33612345678"
    link = survey_link(invitation)
    assert link in message.text and "/avis/" in link
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) == 20
    # Only the token's hash is stored; the token is nowhere in the database.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Notification.objects.filter(event_key__contains=token).exists()
    # Another call (a repeated hook) invites nobody twice.
    period.refresh_from_db()
    assert survey_invite_period(period=period) == invitation
    assert SurveyInvitation.objects.count() == 1


def test_a_period_closed_by_the_idle_job_gets_no_survey(site):
    period = AccompanimentPeriodFactory(
        site=site,
        closed_on=timezone.localdate(),
        close_reason=PeriodCloseReason.UNREACHABLE,
    )
    assert survey_invite_period(period=period) is None
    assert not SurveyInvitation.objects.exists()


def test_a_merged_file_gets_no_invitation(site):
    kept = BeneficiaryFactory(site=site)
    period = AccompanimentPeriodFactory(
        site=site,
        beneficiary=BeneficiaryFactory(site=site, merged_into=kept),
        closed_on=timezone.localdate(),
        close_reason=PeriodCloseReason.AUTONOMOUS,
    )
    assert survey_invite_period(period=period) is None


def test_cohort_invitations_go_to_the_enrolled_people_once(site):
    cohort, enrolments = _closed_cohort(site)
    EnrolmentFactory(cohort=cohort, status=EnrolmentStatus.WAITING, enrolled_at=None)
    first = survey_invite_cohort(cohort=cohort)
    again = survey_invite_cohort(cohort=cohort)
    assert {i.enrolment for i in first} == set(enrolments)
    assert {i.pk for i in again} == {i.pk for i in first}
    assert SurveyInvitation.objects.count() == 2
    assert Notification.objects.filter(template="training_survey_person").count() == 2
    # The daily job finds nobody left to invite.
    assert send_cohort_invitations(timezone.now()) == {"invitations": 0}


def test_the_cohort_closed_hook_invites_and_the_daily_job_catches_up_a_close_by_hand(site):
    hooked, _ = _closed_cohort(site)
    with transaction.atomic():
        hooks.announce("cohort.closed", actor=None, cohort=hooked)
    assert SurveyInvitation.objects.filter(enrolment__cohort=hooked).count() == 2
    _closed_cohort(site, people=3)  # closed_on written without the hook
    _invitation(site)  # a period's invitation (no enrolment) hides nobody
    open_cohort = CohortFactory(site=site)
    EnrolmentFactory(cohort=open_cohort)
    assert send_cohort_invitations(timezone.now()) == {"invitations": 3}
    assert send_cohort_invitations(timezone.now()) == {"invitations": 0}
    assert not SurveyInvitation.objects.filter(enrolment__cohort=open_cohort).exists()


def test_a_cancelled_cohort_gets_no_survey(site):
    cohort, _ = _closed_cohort(site, cancelled_at=timezone.now())
    assert survey_invite_cohort(cohort=cohort) == []


# --- Answering --------------------------------------------------------------------------------


def test_a_person_answers_by_taps_and_a_second_submit_is_refused(client, site):
    invitation = _invitation(site)
    url = reverse("surveys:answer", kwargs={"token": survey_token(invitation)})
    response, data = _answer_all(client, url, anonymous="0", value="4")
    assert "Merci" in response.content.decode()
    saved = SurveyResponse.objects.get()
    assert saved.answers == {question.code: 4 for question in SATISFACTION_QUESTIONS}
    assert (saved.overall, saved.channel, saved.site) == (4, SurveyChannel.PHONE, site)
    assert saved.beneficiary == invitation.beneficiary  # « Non, avec mon nom »
    # The same last POST again (a double tap, the back button): one response only.
    again = client.post(url, data)
    assert "Vous avez déjà répondu, merci" in again.content.decode()
    assert client.get(url).content.decode().count("Vous avez déjà répondu, merci") == 1
    assert SurveyResponse.objects.count() == 1
    with pytest.raises(InvitationUsed):
        survey_answer(token=survey_token(invitation), answers=ALL_FIVE, anonymous=True)


def test_an_anonymous_answer_is_tied_to_nobody(client, site):
    invitation = _invitation(site)
    before = SurveyInvitation.objects.values_list("updated_at", flat=True).get()
    url = reverse("surveys:answer", kwargs={"token": survey_token(invitation)})
    _answer_all(client, url, anonymous="1")
    saved = SurveyResponse.objects.get()
    assert saved.beneficiary is None
    invitation.refresh_from_db()
    # Used, on that day only: nothing finer than the day to match with the response.
    assert timezone.localtime(invitation.used_at).time() == datetime.time(0, 0)
    assert timezone.localdate(invitation.used_at) == saved.answered_on
    assert invitation.updated_at == before
    # The file's timeline says the survey was sent, never that this answer is theirs.
    kinds = {event.kind for event in timeline_for(invitation.beneficiary)}
    assert "training.survey_sent" in kinds
    assert "training.survey_answered" not in kinds


def test_an_answer_with_the_name_shows_on_the_file(client, site):
    invitation = _invitation(site)
    url = reverse("surveys:answer", kwargs={"token": survey_token(invitation)})
    _answer_all(client, url, anonymous="0", value="5")
    events = [e for e in timeline_for(invitation.beneficiary) if e.kind.startswith("training.")]
    answered = [e for e in events if e.kind == "training.survey_answered"]
    assert [e.title for e in answered] == ["Questionnaire de satisfaction rempli"]
    assert answered[0].detail == "Avis d'ensemble : Très satisfait"


def test_a_tampered_value_does_not_skip_a_question(client, site):
    invitation = _invitation(site)
    url = reverse("surveys:answer", kwargs={"token": survey_token(invitation)})
    data = {"anonymous": "1", "q_accueil": "9", "q_explications": "5"}
    response = client.post(url, data)
    assert escape(str(SATISFACTION_QUESTIONS[0].text)) in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_back_forgets_the_last_answer(client, site):
    invitation = _invitation(site)
    url = reverse("surveys:answer", kwargs={"token": survey_token(invitation)})
    data = {"anonymous": "1", "q_accueil": "5", "q_explications": "4", "back": "1"}
    response = client.post(url, data)
    assert escape(str(SATISFACTION_QUESTIONS[1].text)) in response.content.decode()
    assert 'name="q_accueil" value="5"' in response.content.decode()


def test_expired_unknown_and_used_links(client, site):
    expired = _invitation(site, expires_at=timezone.now() - datetime.timedelta(minutes=1))
    gone = client.get(reverse("surveys:answer", kwargs={"token": survey_token(expired)}))
    assert gone.status_code == 404 and "Ce lien ne marche plus" in gone.content.decode()
    unknown = client.get(reverse("surveys:answer", kwargs={"token": "x" * 20}))
    assert unknown.status_code == 404
    used = _invitation(site, used_at=timezone.now())
    page = client.get(reverse("surveys:answer", kwargs={"token": survey_token(used)}))
    assert page.status_code == 200 and "Vous avez déjà répondu, merci" in page.content.decode()
    # An expired link posted to at the last screen saves nothing.
    data = {"anonymous": "1", **{f"q_{code}": "5" for code in ALL_FIVE}}
    client.post(reverse("surveys:answer", kwargs={"token": survey_token(expired)}), data)
    assert not SurveyResponse.objects.exists()


def test_the_message_of_a_survey_answered_before_it_left_goes_nowhere(site):
    invitation = _invitation(site, used_at=timezone.now())
    from tisser.training.notification_kinds import survey_contact

    assert survey_contact(invitation).phone == ""


# --- The tablet and the learner's home -------------------------------------------------------


def test_the_tablet_lists_the_sites_open_invitations_and_opens_a_kiosk(
    client, site, other_site, login
):
    volunteer = MembershipFactory(organisation=site, role=Role.VOLUNTEER)
    mine = _invitation(site)
    _invitation(site, used_at=timezone.now())  # answered: not listed
    _invitation(other_site)
    login(volunteer)
    listed = client.get(reverse("training:survey_tablet"))
    html = listed.content.decode()
    assert listed.status_code == 200
    assert html.count("Ouvrir pour") == 1
    assert reverse("training:survey_kiosk", kwargs={"pk": mine.pk}) in html
    # The QR code: the person may answer on their own phone instead.
    qr_page = client.get(reverse("training:survey_qr", kwargs={"pk": mine.pk})).content.decode()
    assert survey_link(mine) in qr_page and "data:image/svg+xml" in qr_page
    url = reverse("training:survey_kiosk", kwargs={"pk": mine.pk})
    first = client.get(url).content.decode()
    # The kiosk screens have no staff navigation.
    assert "Voulez-vous répondre sans votre nom ?" in first
    assert f'href="{reverse("workspace:home")}"' not in first
    response, _ = _answer_all(client, url, anonymous="1")
    assert "Rendre la tablette" in response.content.decode()
    saved = SurveyResponse.objects.get()
    assert (saved.channel, saved.beneficiary) == (SurveyChannel.TABLET, None)


def test_the_learner_home_offers_to_give_their_opinion(client, site):
    person = BeneficiaryFactory(site=site)
    sign_in_learner(client, person)
    assert "Donner mon avis" not in client.get(reverse("learners:home")).content.decode()
    invitation = _invitation(site, period=AccompanimentPeriodFactory(site=site, beneficiary=person))
    assert "Donner mon avis" in client.get(reverse("learners:home")).content.decode()
    response = client.get(reverse("surveys:mine"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "surveys:answer", kwargs={"token": survey_token(invitation)}
    )
