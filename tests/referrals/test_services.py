"""Referral services: drafts, submission checks, moderation and partner validation, and the
rules inside each transition (appointments, reasons, files). Every refusal changes nothing."""

import datetime

import pytest
from django.utils import timezone

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.referrals.actions import S, perform, prepare, queued, state_of
from tisser.accounts.enums import HabilitationStatus, Role
from tisser.beneficiaries.enums import CURRENT_NOTICE_VERSION
from tisser.beneficiaries.models import Beneficiary
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.referrals import selectors, services
from tisser.referrals import transitions as t
from tisser.referrals.enums import AppointmentStatus, ReferralSource
from tisser.referrals.models import Referral, ReferralEvent

NIR = "1 85 05 78 006 084 36"


def person(**overrides):
    data = {
        "first_name": " Awa ",
        "last_name": "Diallo-Ndiaye",
        "birth_year": 1987,
        "phone": "06 12 34 56 78",
        "email": "",
        "preferred_channel": "sms",
        "postal_code": "67100",
        "commune": "Strasbourg",
        "social_status": "sans_emploi",
        "is_jobseeker": True,
        "eligibility_criteria": ["RSA", "PI", "RSA"],
        "needs": ["equipment", "skills"],
        "requested_offers": ["smartphone"],
        "reason": "Cherche un téléphone pour ses démarches CAF.",
        "notice_given": True,
    }
    data.update(overrides)
    return data


def draft(world, **overrides):
    return services.referral_create_draft(
        actor=world.referrer, site=world.site, data=person(**overrides)
    )


# --- Drafts ----------------------------------------------------------------------------------


def test_a_referrer_writes_a_draft(world):
    referral = draft(world)
    referral.refresh_from_db()
    assert referral.status == S.DRAFT
    assert referral.partner == world.partner and referral.referrer == world.referrer.user
    assert referral.source == ReferralSource.PARTNER
    assert referral.first_name == "Awa"
    assert referral.phone == "+33612345678"
    assert referral.search_key == "diallo ndiaye awa"
    assert referral.eligibility_criteria == ["RSA", "PI"]
    assert referral.notice_version == CURRENT_NOTICE_VERSION
    assert referral.submitted_at is None
    assert not ReferralEvent.objects.filter(referral=referral).exists()
    entry = JournalEntry.objects.get(action="referral.created")
    assert entry.object_id == str(referral.pk) and entry.actor == world.referrer.user
    assert "Awa" not in str(entry.payload)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"needs": ["equipment", "teleportation"]}, "Choix inconnu : teleportation"),
        ({"eligibility_criteria": ["NIR"]}, "Choix inconnu"),
        ({"requested_offers": ["yacht"]}, "Choix inconnu"),
        ({"phone": "12"}, "numéro de téléphone n'est pas valide"),
        ({"reason": f"Son numéro est le {NIR}."}, "sécurité sociale"),
        ({"first_name": ""}, "obligatoire|vide|requis"),
        ({"birth_year": 1850}, "1900"),
        ({"email": "pas-une-adresse"}, "adresse"),
        ({"social_status": "millionnaire"}, "valide"),
        ({"nir": "185057800608436"}, "ne font pas partie"),
    ],
)
def test_bad_draft_data_is_refused_and_nothing_is_created(world, overrides, message):
    with pytest.raises(DomainError, match=message):
        draft(world, **overrides)
    assert not Referral.objects.exists()
    assert not JournalEntry.objects.filter(action="referral.created").exists()


@pytest.mark.parametrize("who", ["volunteer", "manager", "mediator", "admin", "funder_viewer"])
def test_only_referrers_write_partner_referrals(world, who):
    with pytest.raises(DomainError):
        services.referral_create_draft(actor=getattr(world, who), site=world.site, data=person())
    assert not Referral.objects.exists()


def test_the_target_must_be_an_open_site_of_the_network(world):
    foreign = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    closed = SiteFactory(network=world.site.network, is_active=False)
    for site in (foreign, closed):
        with pytest.raises(DomainError, match="espace ouvert"):
            services.referral_create_draft(actor=world.referrer, site=site, data=person())
    assert not Referral.objects.exists()


def test_a_site_imports_its_own_list_without_a_partner(world):
    referral = services.referral_create_draft(
        actor=world.manager, site=world.site, data=person(), source=ReferralSource.IMPORT
    )
    assert referral.partner is None and referral.referrer is None
    # The site, as the referrer side, sends it straight to itself.
    t.referral_submit(actor=world.mediator, referral=referral)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED
    with pytest.raises(DomainError):
        services.referral_create_draft(
            actor=world.manager, site=world.other_site, data=person(), source=ReferralSource.IMPORT
        )


def test_a_public_request_goes_straight_to_its_space(world):
    referral = services.referral_create_draft(
        actor=None,
        site=world.site,
        data=person(last_name="", notice_given=False),
        source=ReferralSource.PUBLIC_REQUEST,
    )
    assert referral.partner is None and referral.referrer is None
    t.referral_submit(actor=None, referral=referral)
    referral.refresh_from_db()
    assert referral.status == S.SUBMITTED
    assert referral.submitted_at is not None and referral.reply_due_on is not None
    event = referral.events.get()
    assert (event.from_status, event.to_status, event.actor) == (S.DRAFT, S.SUBMITTED, None)
    assert [template for template, _kind, _key in queued(referral)] == ["referral_submitted_site"]
    assert referral in selectors.referral_inbox(membership=world.manager)


def test_a_public_request_is_written_by_nobody_signed_in(world):
    with pytest.raises(DomainError):
        services.referral_create_draft(
            actor=world.referrer,
            site=world.site,
            data=person(),
            source=ReferralSource.PUBLIC_REQUEST,
        )


def test_update_a_draft(world):
    referral = draft(world)
    changed = services.referral_update_draft(
        actor=world.referrer,
        referral=referral,
        data={"last_name": "Diallo", "phone": "0612345678"},
        site=world.other_site,
    )
    assert sorted(changed) == ["last_name", "site"]  # the phone normalises to the same number
    referral.refresh_from_db()
    assert referral.site == world.other_site and referral.search_key == "diallo awa"
    entry = JournalEntry.objects.get(action="referral.updated")
    assert entry.payload == {"fields": ["last_name", "site"]}
    assert services.referral_update_draft(actor=world.referrer, referral=referral, data={}) == []


def test_only_the_partner_updates_and_only_drafts(world):
    referral = draft(world)
    for who in ("other_referrer", "manager", "admin"):
        with pytest.raises(DomainError):
            services.referral_update_draft(
                actor=getattr(world, who), referral=referral, data={"last_name": "X"}
            )
    t.referral_submit(actor=world.referrer, referral=referral)
    before = state_of(referral)
    with pytest.raises(DomainError, match="ne peut plus être modifié"):
        services.referral_update_draft(
            actor=world.referrer, referral=referral, data={"last_name": "X"}
        )
    assert state_of(referral) == before


# --- Submission --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"notice_given": False}, "notice d'information"),
        ({"phone": "", "email": "awa@exemple.fr"}, "téléphone de la personne"),
        ({"preferred_channel": "call", "phone": "", "email": "a@exemple.fr"}, "téléphone"),
        ({"preferred_channel": "email"}, "e-mail de la personne"),
    ],
)
def test_a_draft_missing_what_the_site_needs_is_not_sent(world, overrides, message):
    referral = draft(world, **overrides)
    before = state_of(referral)
    with pytest.raises(DomainError, match=message):
        t.referral_submit(actor=world.referrer, referral=referral)
    assert state_of(referral) == before


def test_a_closed_site_receives_nothing(world):
    referral = draft(world)
    world.site.is_active = False
    world.site.save()
    with pytest.raises(DomainError, match="n'accueille plus"):
        t.referral_submit(actor=world.referrer, referral=referral)


@pytest.mark.parametrize(
    ("habilitation", "expected"),
    [
        (HabilitationStatus.VALIDATED, S.SUBMITTED),
        (HabilitationStatus.NOT_REQUIRED, S.SUBMITTED),
        (HabilitationStatus.NOT_SET, S.MODERATION_PENDING),
        (HabilitationStatus.REFUSED, S.MODERATION_PENDING),
    ],
)
def test_submission_depends_on_the_partner_habilitation(world, habilitation, expected):
    world.partner.habilitation_status = habilitation
    world.partner.save()
    referral = draft(world)
    t.referral_submit(actor=world.referrer, referral=referral)
    referral.refresh_from_db()
    assert referral.status == expected
    assert (referral.submitted_at is not None) == (expected == S.SUBMITTED)


# --- Partner validation ------------------------------------------------------------------------


def test_validating_a_partner_releases_its_waiting_referrals(world):
    world.partner.habilitation_status = HabilitationStatus.NOT_SET
    world.partner.save()
    waiting = [draft(world), draft(world)]
    for referral in waiting:
        t.referral_submit(actor=world.referrer, referral=referral)
    kept_draft = draft(world)
    other = prepare(
        world,
        S.MODERATION_PENDING,
        partner=world.other_partner,
        referrer=world.other_referrer.user,
    )
    public = prepare(world, S.MODERATION_PENDING, public=True)

    released = services.partner_validate(actor=world.admin, partner=world.partner)

    assert sorted(r.pk for r in released) == sorted(r.pk for r in waiting)
    world.partner.refresh_from_db()
    assert world.partner.habilitation_status == HabilitationStatus.VALIDATED
    for referral in waiting:
        referral.refresh_from_db()
        assert referral.status == S.SUBMITTED and referral.submitted_at is not None
        last = referral.events.order_by("at", "pk").last()
        assert (last.from_status, last.to_status, last.actor) == (
            S.MODERATION_PENDING,
            S.SUBMITTED,
            world.admin.user,
        )
        assert queued(referral) == [
            ("referral_submitted_site", "site_team", f"referral:{referral.pk}:submitted:site_team")
        ]
    for untouched in (kept_draft, other, public):
        status = untouched.status
        untouched.refresh_from_db()
        assert untouched.status == status
    assert JournalEntry.objects.filter(action="partner.validated").count() == 1
    assert JournalEntry.objects.filter(action="referral.moderation_approved").count() == 2
    # Validating again releases nothing and journals nothing more.
    assert services.partner_validate(actor=world.admin, partner=world.partner) == []
    assert JournalEntry.objects.filter(action="partner.validated").count() == 1
    # Later referrals of the partner go straight to the site.
    t.referral_submit(actor=world.referrer, referral=kept_draft)
    kept_draft.refresh_from_db()
    assert kept_draft.status == S.SUBMITTED


@pytest.mark.parametrize("who", ["manager", "referrer", "foreign_admin", "funder_viewer"])
def test_only_the_network_admin_validates_a_partner(world, who):
    world.partner.habilitation_status = HabilitationStatus.NOT_SET
    world.partner.save()
    referral = prepare(world, S.MODERATION_PENDING)
    with pytest.raises(DomainError, match="administrateur"):
        services.partner_validate(actor=getattr(world, who), partner=world.partner)
    world.partner.refresh_from_db()
    referral.refresh_from_db()
    assert world.partner.habilitation_status == HabilitationStatus.NOT_SET
    assert referral.status == S.MODERATION_PENDING


# --- Accept and rebook -------------------------------------------------------------------------


def test_accept_books_an_appointment(world):
    referral = prepare(world, S.SUBMITTED)
    starts = timezone.now() + datetime.timedelta(days=4)
    appointment = perform(
        t.ACCEPT, world, referral, starts_at=starts, place=" Salle 2 ", mediator=world.mediator.user
    )
    assert appointment.referral == referral and appointment.site == world.site
    assert appointment.starts_at == starts and appointment.place == "Salle 2"
    assert appointment.mediator == world.mediator.user
    assert appointment.status == AppointmentStatus.PLANNED


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"starts_at": "past"}, "passée"),
        ({"starts_at": "naive"}, "date et l'heure"),
        ({"place": "  "}, "lieu"),
        ({"mediator": "other_manager"}, "équipe de cet espace"),
        ({"mediator": "volunteer"}, "équipe de cet espace"),
        ({"mediator": "referrer"}, "équipe de cet espace"),
    ],
)
@pytest.mark.parametrize("action", [t.ACCEPT, t.REBOOK])
def test_bad_appointments_are_refused(world, action, arguments, message):
    referral = prepare(world, S.SUBMITTED if action == t.ACCEPT else S.ACCEPTED)
    extra = dict(arguments)
    if extra.get("starts_at") == "past":
        extra["starts_at"] = timezone.now() - datetime.timedelta(hours=1)
    elif extra.get("starts_at") == "naive":
        extra["starts_at"] = datetime.datetime(2030, 1, 1, 10, 0)
    if "mediator" in extra:
        extra["mediator"] = getattr(world, extra["mediator"]).user
    before = state_of(referral)
    with pytest.raises(DomainError, match=message):
        perform(action, world, referral, **extra)
    assert state_of(referral) == before


def test_rebook_replaces_the_planned_appointment(world):
    referral = prepare(world, S.ACCEPTED)
    first = referral.appointments.get()
    second = perform(t.REBOOK, world, referral)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.REBOOKED
    assert second.status == AppointmentStatus.PLANNED
    event = referral.events.order_by("at", "pk").last()
    assert (event.from_status, event.to_status, event.note) == (
        S.ACCEPTED,
        S.ACCEPTED,
        "Rendez-vous déplacé",
    )
    assert JournalEntry.objects.get(action="referral.rebooked").payload["previous"] == first.pk


def test_no_show_then_a_new_appointment(world):
    referral = prepare(world, S.ACCEPTED)
    missed = perform(t.MARK_NO_SHOW, world, referral)
    assert missed.status == AppointmentStatus.NO_SHOW
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    with pytest.raises(DomainError, match="Aucun rendez-vous prévu"):
        perform(t.MARK_NO_SHOW, world, referral)
    fresh = perform(t.REBOOK, world, referral)
    missed.refresh_from_db()
    assert missed.status == AppointmentStatus.NO_SHOW  # kept as it was
    assert fresh.status == AppointmentStatus.PLANNED


# --- Reject ------------------------------------------------------------------------------------


def test_reject_records_reasons_and_message(world):
    referral = prepare(world, S.SUBMITTED)
    perform(
        t.REJECT,
        world,
        referral,
        reasons=["hors-territoire", "autre", "hors-territoire"],
        message="  Adressez-vous à l'espace de Colmar.  ",
    )
    referral.refresh_from_db()
    assert referral.rejection_reasons == ["hors-territoire", "autre"]
    assert referral.rejection_message == "Adressez-vous à l'espace de Colmar."
    assert JournalEntry.objects.get(action="referral.rejected").payload["reasons"] == [
        "hors-territoire",
        "autre",
    ]


@pytest.mark.parametrize(
    ("reasons", "message", "error"),
    [
        ([], "Message", "au moins un motif"),
        (["pas-envie"], "Message", "n'existe pas"),
        (["autre"], "   ", "Écrivez un message"),
        (["autre"], f"NIR {NIR}", "sécurité sociale"),
    ],
)
def test_bad_rejections_are_refused(world, reasons, message, error):
    referral = prepare(world, S.SUBMITTED)
    before = state_of(referral)
    with pytest.raises(DomainError, match=error):
        perform(t.REJECT, world, referral, reasons=reasons, message=message)
    assert state_of(referral) == before


# --- Came: the file ----------------------------------------------------------------------------


def test_came_creates_the_file_from_the_referral(world):
    referral = prepare(world, S.ACCEPTED, first_name="Awa", last_name="Diallo", birth_year=1987)
    perform(t.MARK_CAME, world, referral)
    referral.refresh_from_db()
    assert referral.status == S.CONSUMED
    file = referral.beneficiary
    assert (file.first_name, file.last_name, file.birth_year) == ("Awa", "Diallo", 1987)
    assert file.site == world.site and file.phone == referral.phone
    assert referral.appointments.get().status == AppointmentStatus.CAME
    payload = JournalEntry.objects.get(action="referral.consumed").payload
    assert payload["beneficiary"] == file.pk


def test_came_marks_the_rebooked_appointment_not_a_later_missed_one(world):
    """Found by the state machine: missed (set a few days ahead), rebooked for in an hour,
    then the person comes: the appointment they came to is the planned one."""
    referral = prepare(world, S.ACCEPTED)
    missed = referral.appointments.get()
    missed.starts_at = timezone.now() + datetime.timedelta(days=3)
    missed.ends_at = missed.starts_at + datetime.timedelta(minutes=30)
    missed.save(update_fields=["starts_at", "ends_at"])
    perform(t.MARK_NO_SHOW, world, referral)
    perform(t.REBOOK, world, referral, starts_at=timezone.now() + datetime.timedelta(hours=1))
    perform(t.MARK_CAME, world, referral)
    statuses = dict(referral.appointments.values_list("pk", "status"))
    assert statuses.pop(missed.pk) == AppointmentStatus.NO_SHOW
    assert list(statuses.values()) == [AppointmentStatus.CAME]


def test_came_links_an_existing_file(world):
    first = prepare(world, S.ACCEPTED)
    perform(t.MARK_CAME, world, first)
    first.refresh_from_db()
    second = prepare(world, S.ACCEPTED)
    perform(t.MARK_CAME, world, second, existing=first.beneficiary)
    second.refresh_from_db()
    assert second.beneficiary == first.beneficiary
    assert Beneficiary.objects.count() == 1


def test_came_refuses_a_file_the_site_cannot_see(world):
    elsewhere = prepare(world, S.ACCEPTED, site=world.other_site)
    t.referral_mark_came(actor=world.other_manager, referral=elsewhere)
    elsewhere.refresh_from_db()
    referral = prepare(world, S.ACCEPTED)
    before = state_of(referral)
    with pytest.raises(DomainError):
        perform(t.MARK_CAME, world, referral, existing=elsewhere.beneficiary)
    assert state_of(referral) == before
    assert Beneficiary.objects.count() == 1


def test_a_person_who_missed_the_appointment_may_still_come(world):
    referral = prepare(world, S.ACCEPTED)
    missed = perform(t.MARK_NO_SHOW, world, referral)
    perform(t.MARK_CAME, world, referral)
    missed.refresh_from_db()
    assert missed.status == AppointmentStatus.CAME


# --- Cancel -------------------------------------------------------------------------------------


def test_cancel_frees_the_appointment(world):
    referral = prepare(world, S.ACCEPTED)
    perform(t.CANCEL, world, referral, reason="La personne a trouvé une autre solution.")
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED
    assert referral.appointments.get().status == AppointmentStatus.CANCELLED
    assert referral.events.order_by("at", "pk").last().note.startswith("La personne")


def test_cancel_refuses_a_reason_with_a_nir(world):
    referral = prepare(world, S.SUBMITTED)
    before = state_of(referral)
    with pytest.raises(DomainError, match="sécurité sociale"):
        perform(t.CANCEL, world, referral, reason=NIR)
    assert state_of(referral) == before


def test_expire_is_for_the_system_only(world):
    referral = prepare(world, S.SUBMITTED)
    with pytest.raises(DomainError, match="tâche automatique"):
        t.referral_expire(
            referral=referral, actor=world.admin, now=timezone.now() + datetime.timedelta(days=99)
        )


def test_a_second_referrer_of_the_same_partner_may_act(world):
    colleague = MembershipFactory(organisation=world.partner, role=Role.PARTNER_REFERRER)
    referral = draft(world)
    t.referral_submit(actor=colleague, referral=referral)
    t.referral_cancel(actor=colleague, referral=referral)
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED


def test_a_commune_holding_a_nir_is_refused_like_on_the_file():
    """The referral's commune carries the same NIR guard as the beneficiary file's commune."""
    from django.core.exceptions import ValidationError

    from tisser.referrals.models import Referral

    field = Referral._meta.get_field("commune")
    with pytest.raises(ValidationError, match="sécurité sociale"):
        field.clean(f"Strasbourg {NIR}", None)
