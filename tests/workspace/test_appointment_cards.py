"""The appointment card and the waiting referral's card are tags drawn in Python
(workspace/templatetags/appointment_cards.py): their HTML is the one of the templates they
replaced, kept here as the reference (docs/decisions/0018-signed-in-page-cost.md)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.template.context import make_context
from django.test import RequestFactory

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.referrals.actions import prepare
from tests.referrals.factories import AppointmentFactory
from tisser.core import clock
from tisser.referrals import selectors
from tisser.referrals.enums import AppointmentStatus, ReferralStatus
from tisser.workspace.agenda import mark_recorded

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime.datetime(2027, 3, 22, 10, 0, tzinfo=PARIS)

# workspace/includes/appointment.html, as it was.
REFERENCE_CARD = """{% load i18n tisser_dates %}
<li class="card appointment">
  <p class="appointment-when"><strong>{{ a.starts_at|hour }}</strong>–{{ a.ends_at|hour }}{% if show_date %} <span class="muted">{{ a.starts_at|weekday }}</span>{% endif %}
    {% if a.status == "came" %}<span class="badge badge-ok">{% translate "Venu(e)" %}</span>{% elif a.status == "no_show" %}<span class="badge badge-err">{% translate "Pas venu(e)" %}</span>{% endif %}</p>
  <p class="appointment-who">
    {% if a.beneficiary_id %}<a href="{% url 'beneficiaries:detail' pk=a.beneficiary_id %}">{{ a.beneficiary.first_name }} {{ a.beneficiary.last_name }}</a> <span class="muted">{{ a.beneficiary.file_number }}</span>
    {% elif a.referral_id %}{{ a.referral.first_name }} {{ a.referral.last_name }}
    {% else %}{{ a.walk_in_name }} <span class="muted">{% translate "(sans dossier)" %}</span>{% endif %}
  </p>
  <ul class="appointment-facts">
    <li>{% translate "Avec :" %} {% if a.mediator_id %}{{ a.mediator.get_full_name|default:a.mediator.email }}{% else %}{% translate "personne n'est encore choisi" %}{% endif %}</li>
    {% if a.reason %}<li>{% translate "Motif :" %} {{ a.reason }}</li>{% elif a.referral_id and a.referral.reason %}<li>{% translate "Motif :" %} {{ a.referral.reason|truncatechars:90 }}</li>{% endif %}
    {% if a.referral_id %}<li>{% translate "Orienté(e) par" %} {% if a.referral.partner_id %}{{ a.referral.partner.name }}{% else %}{% translate "une demande d'aide" %}{% endif %} — <a href="{% url 'referrals:detail' pk=a.referral_id %}">{{ a.referral.reference }}</a></li>{% endif %}
  </ul>
  {% if a.status == "came" and a.activity_recorded is False %}
  <p class="appointment-actions"><a class="button" href="{% url 'activities:create' %}?rendez_vous={{ a.pk }}">{% translate "Noter ce qui a été fait" %}<span class="visually-hidden"> : {% firstof a.walk_in_name a.beneficiary.first_name a.referral.first_name %}</span></a></p>
  {% endif %}
  {% if a.status == "planned" %}
  <div class="appointment-actions">
    {% if a.starts_at|date:"Y-m-d" > today|date:"Y-m-d" %}
      <form method="post" action="{% url 'appointments:came_early' pk=a.pk %}">{% csrf_token %}<input type="hidden" name="next" value="{{ next }}"><button type="submit">{% translate "Venu(e) en avance" %}<span class="visually-hidden"> : {% firstof a.walk_in_name a.beneficiary.first_name a.referral.first_name %}</span></button></form>
    {% else %}
      <form method="post" action="{% url 'appointments:came' pk=a.pk %}">{% csrf_token %}<input type="hidden" name="next" value="{% url 'activities:create' %}?rendez_vous={{ a.pk }}"><button type="submit">{% translate "Venu(e)" %}<span class="visually-hidden"> : {% firstof a.walk_in_name a.beneficiary.first_name a.referral.first_name %}</span></button></form>
      {% if a.starts_at <= now %}<form method="post" action="{% url 'appointments:no_show' pk=a.pk %}">{% csrf_token %}<input type="hidden" name="next" value="{{ next }}"><button type="submit" class="button-secondary">{% translate "Pas venu(e)" %}<span class="visually-hidden"> : {% firstof a.walk_in_name a.beneficiary.first_name a.referral.first_name %}</span></button></form>{% endif %}
    {% endif %}
    <a class="button button-secondary" href="{% url 'appointments:postpone' pk=a.pk %}?next={{ next|urlencode }}">{% translate "Reporter" %}<span class="visually-hidden"> : {% firstof a.walk_in_name a.beneficiary.first_name a.referral.first_name %}</span></a>
  </div>
  {% endif %}
</li>
"""

# The waiting referral's card of workspace/home__day.html, as it was.
REFERENCE_AWAITING = """{% load i18n %}    <li class="card"><a href="{% url 'referrals:detail' pk=r.pk %}">{{ r.first_name }} {{ r.last_name }}</a> <span class="muted">{{ r.reference }}</span><br>
      {% if r.partner_id %}{{ r.partner.name }}{% else %}{% translate "Demande d'aide" %}{% endif %} —
      {% if r.age_days %}{% blocktranslate trimmed count counter=r.age_days %}en attente depuis {{ counter }} jour{% plural %}en attente depuis {{ counter }} jours{% endblocktranslate %}{% else %}{% translate "en attente depuis aujourd'hui" %}{% endif %}
      {% if r.submitted_at < day.late_before %}<span class="badge badge-warn">{% translate "en retard" %}</span>{% endif %}</li>
"""


@pytest.fixture(autouse=True)
def _monday():
    with clock.frozen_at(MONDAY):
        yield


def _context(**values):
    request = RequestFactory().get("/")
    context = make_context(values, request)
    context["csrf_token"] = "TOKEN"
    return context


def _appointments(world):
    """One appointment of each kind the card draws differently."""
    file = BeneficiaryFactory(
        site=world.site, first_name="Karim", last_name="O'Brien", file_number="STR-000042"
    )
    public = prepare(
        world,
        ReferralStatus.ACCEPTED,
        public=True,
        first_name="Lina",
        reason="Besoin d'aide pour <Ameli> " + "x" * 120,
    )
    partner = prepare(world, ReferralStatus.ACCEPTED, first_name="Nour", reason="CAF")
    made = [
        AppointmentFactory(
            site=world.site,
            starts_at=MONDAY - datetime.timedelta(hours=2),
            beneficiary=file,
            mediator=world.mediator.user,
            reason="Dossier CAF",
            status=AppointmentStatus.CAME,
        ),
        AppointmentFactory(
            site=world.site,
            starts_at=MONDAY + datetime.timedelta(hours=3),
            walk_in_name="Awa & Co",
            status=AppointmentStatus.PLANNED,
        ),
        AppointmentFactory(
            site=world.site,
            starts_at=MONDAY - datetime.timedelta(days=3),
            walk_in_name="Oublié",
            status=AppointmentStatus.PLANNED,
        ),
        AppointmentFactory(
            site=world.site,
            starts_at=MONDAY + datetime.timedelta(days=1),
            beneficiary=file,
            status=AppointmentStatus.PLANNED,
        ),
        AppointmentFactory(
            site=world.site,
            starts_at=MONDAY - datetime.timedelta(days=1),
            walk_in_name="Absent",
            status=AppointmentStatus.NO_SHOW,
        ),
    ]
    for referral in (public, partner):
        appointment = referral.appointments.get()
        appointment.starts_at = MONDAY - datetime.timedelta(minutes=30)
        appointment.ends_at = MONDAY
        appointment.save(update_fields=["starts_at", "ends_at"])
        made.append(appointment)
    return made


@pytest.mark.parametrize("show_date", [False, True])
@pytest.mark.parametrize(
    "next_url", ["/espace-pro/", "/espace-pro/agenda/?vue=week&jour=2027-03-22"]
)
def test_the_card_draws_what_the_template_drew(world, show_date, next_url):
    _appointments(world)
    rows = list(
        selectors.appointments_between(
            membership=world.manager,
            start=MONDAY - datetime.timedelta(days=7),
            end=MONDAY + datetime.timedelta(days=7),
        )
    )
    mark_recorded(rows[:3])  # some cards know whether the visit is recorded, others not
    assert len(rows) == 7
    values = {"next": next_url, "today": MONDAY.date(), "now": MONDAY, "show_date": show_date}
    reference = Template(REFERENCE_CARD)
    tag = Template(
        "{% load appointment_cards %}"
        "{% appointment_card a next=next today=today now=now show_date=show_date %}"
    )
    for appointment in rows:
        expected = reference.render(_context(a=appointment, **values))
        assert tag.render(_context(a=appointment, **values)) == expected


def test_the_waiting_card_draws_what_the_template_drew(world):
    late = prepare(world, ReferralStatus.SUBMITTED, first_name="Nour", last_name="D'Arc")
    late.submitted_at = MONDAY - datetime.timedelta(days=12)
    late.save(update_fields=["submitted_at"])
    prepare(world, ReferralStatus.SUBMITTED, public=True, first_name="Lina")
    today = prepare(world, ReferralStatus.SUBMITTED, first_name="Awa")
    today.submitted_at = MONDAY - datetime.timedelta(hours=1)
    today.save(update_fields=["submitted_at"])
    rows = list(selectors.referrals_awaiting_answer(membership=world.manager))
    assert len(rows) == 3
    late_before = MONDAY - datetime.timedelta(days=10)
    reference = Template(REFERENCE_AWAITING)
    tag = Template("{% load appointment_cards %}{% awaiting_card r late_before %}")
    for referral in rows:
        referral.age_days = (MONDAY - referral.submitted_at).days
        expected = reference.render(Context({"r": referral, "day": {"late_before": late_before}}))
        assert tag.render(Context({"r": referral, "late_before": late_before})) == expected.strip()
