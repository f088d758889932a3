"""Issue 3's acceptance journey in Chromium: a referral from the partner to the person's file.

The demo referrer sends a referral through the form; the demo site manager accepts it with an
appointment; the SMS lands in the file backend (a temporary folder) with the date and the
address; the person is marked as came; their file exists and shows the referral on its
timeline. axe-core checks the referral form, the inbox and the file page.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import formats, timezone, translation

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.test_acceptance import current_totp, sign_in
from tisser.accounts import demo
from tisser.accounts.models import Closure, Site, User
from tisser.beneficiaries.models import Beneficiary
from tisser.core.holidays import holiday_name
from tisser.referrals.enums import AppointmentStatus, ReferralStatus
from tisser.referrals.models import Appointment, Referral

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = "/tmp"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
FIRST_NAME = "Maëlys"
LAST_NAME = "Kerbrat-Nguyen"
PHONE = "06 12 99 88 77"


@pytest.fixture
def sms_folder(settings, tmp_path) -> Path:
    """SMS go to files in a temporary folder (the live server runs in this process)."""
    folder = tmp_path / "sms"
    settings.SMS_BACKEND = "tisser.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = folder
    return folder


@pytest.fixture
def demo_data():
    seed_ci_demo()
    return {
        "site": Site.objects.get(name=demo.STRASBOURG_SITE),
        "manager": User.objects.get(email="responsable@demo.tisser.fr"),
    }


def next_weekday(days_ahead: int) -> datetime.date:
    """A weekday at least ``days_ahead`` days ahead when the Strasbourg space is open (no
    public holiday there, no demo closure)."""
    site = Site.objects.get(name=demo.STRASBOURG_SITE)
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while (
        day.weekday() >= 5
        or holiday_name(day, postal_code=site.postal_code)
        or Closure.objects.filter(site=site, starts_on__lte=day, ends_on__gte=day).exists()
    ):
        day += datetime.timedelta(days=1)
    return day


def fill_and_send_the_referral_form(
    referrer, site, *, first_name: str, last_name: str, phone: str
) -> Referral:
    """The partner referrer's form, filled and sent (the referrer is on its page)."""
    referrer.get_by_label("Prénom :", exact=True).fill(first_name)
    referrer.get_by_label("Nom :", exact=True).fill(last_name)
    referrer.get_by_label("Année de naissance :", exact=True).fill("1987")
    referrer.get_by_label("Téléphone :", exact=True).fill(phone)
    referrer.get_by_label("SMS", exact=True).check()
    referrer.get_by_label("Code postal :", exact=True).fill("67100")
    referrer.wait_for_load_state("networkidle")  # the nearest space is suggested (HTMX)
    referrer.get_by_label("Commune :", exact=True).fill("Strasbourg")
    referrer.get_by_label("Démarches en ligne", exact=True).check()
    referrer.get_by_label("Motif de l'orientation :", exact=True).fill(
        "Souhaite créer son espace personnel en ligne et suivre ses démarches seule."
    )
    referrer.get_by_label("Espace qui recevra la personne :", exact=True).select_option(
        value=str(site.pk)
    )
    referrer.wait_for_load_state("networkidle")  # the space's offers are shown (HTMX)
    referrer.get_by_label(re.compile("J'ai remis à la personne la notice")).check()
    referrer.get_by_role("button", name="Envoyer", exact=True).click()
    referrer.wait_for_url(lambda url: not url.endswith("/orientations/nouvelle/"))
    return Referral.objects.get(first_name=first_name, last_name=last_name)


def accept_with_an_appointment(manager, referral) -> datetime.date:
    """From the referral's page: accepted with an appointment on an open weekday, 14:30."""
    manager.get_by_role("link", name="Accepter et proposer un rendez-vous").click()
    day = next_weekday(3)
    manager.get_by_label("Date :", exact=True).fill(day.isoformat())
    manager.get_by_label("Heure :", exact=True).fill("14:30")
    manager.get_by_role("button", name="Accepter et envoyer le rendez-vous").click()
    manager.wait_for_url(f"**/espace-pro/orientations/{referral.pk}/")
    return day


def record_that_the_person_came(manager, referral) -> None:
    """The day of the appointment comes (moved to 45 minutes ago: a visit is not recorded
    before it), and the person is marked as came from the referral's page."""
    appointment = referral.appointments.get()
    starts_at = timezone.now() - datetime.timedelta(minutes=45)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(minutes=30)
    )
    manager.reload()
    manager.get_by_role("link", name="La personne est venue").click()
    manager.get_by_role("button", name="Confirmer la venue").click()
    manager.wait_for_url(f"**/espace-pro/orientations/{referral.pk}/")


def check_page(page, assert_accessible, name: str) -> None:
    page.screenshot(path=f"{SCREENSHOTS}/tisser-{name}.png", full_page=True)
    assert_accessible(page)
    assert not page.watcher.problems, page.watcher.problems


def test_referral_from_the_partner_form_to_the_persons_file(
    new_page, demo_data, sms_folder, assert_accessible
):
    site = demo_data["site"]
    sms_before = set(sms_folder.glob("*")) if sms_folder.exists() else set()

    # 1. The partner referrer fills the referral form and sends it.
    from allauth.mfa.models import Authenticator

    referrer_user = User.objects.get(email="prescripteur@demo.tisser.fr")
    Authenticator.objects.create(
        user=referrer_user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    referrer = new_page()
    sign_in(referrer, referrer_user.email, demo.DEMO_PASSWORD)
    referrer.wait_for_url("**/compte/2fa/authenticate/")
    referrer.locator("#id_code").fill(current_totp(TOTP_SECRET))
    referrer.get_by_role("button", name="Valider").click()
    referrer.wait_for_url("**/espace-pro/")
    referrer.goto("/espace-pro/orientations/nouvelle/")
    assert referrer.get_by_role("heading", level=1).inner_text() == "Orienter une personne"
    check_page(referrer, assert_accessible, "referral-form")
    referral = fill_and_send_the_referral_form(
        referrer, site, first_name=FIRST_NAME, last_name=LAST_NAME, phone=PHONE
    )
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.site_id == site.pk
    assert referral.phone == "+33612998877"
    assert referrer.get_by_text(referral.reference).first.is_visible()
    assert not referrer.watcher.problems, referrer.watcher.problems

    # 2. The site manager signs in with the second factor and finds it in the inbox.
    Authenticator.objects.create(
        user=demo_data["manager"], type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
    )
    manager = new_page()
    sign_in(manager, demo_data["manager"].email, demo.DEMO_PASSWORD)
    manager.wait_for_url("**/compte/2fa/authenticate/")
    manager.locator("#id_code").fill(current_totp(TOTP_SECRET))
    manager.get_by_role("button", name="Valider").click()
    manager.wait_for_url("**/espace-pro/")
    manager.goto("/espace-pro/orientations/a-traiter/")
    check_page(manager, assert_accessible, "referral-inbox")
    manager.get_by_role("link", name=re.compile(FIRST_NAME)).first.click()
    manager.wait_for_url(f"**/espace-pro/orientations/{referral.pk}/")

    # 3. It accepts with an appointment: the person gets an SMS with the date and the address.
    day = accept_with_an_appointment(manager, referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.appointments.get().status == AppointmentStatus.PLANNED

    new_sms = sorted(set(sms_folder.glob("*")) - sms_before)
    assert len(new_sms) == 1, new_sms
    text = new_sms[0].read_text(encoding="utf-8")
    with translation.override("fr"):
        day_text = formats.date_format(day, "j F")
    assert "+33612998877" in text
    assert f"Bonjour {FIRST_NAME}" in text
    assert day_text in text, text
    assert "14 h 30" in text, text
    assert site.address in text, text

    # 4. The day of the appointment comes (a visit is not recorded before it), the person
    # came: the referral is consumed and their file is opened.
    record_that_the_person_came(manager, referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSUMED
    beneficiary = Beneficiary.objects.get(pk=referral.beneficiary_id)
    assert (beneficiary.first_name, beneficiary.last_name) == (FIRST_NAME, LAST_NAME)
    assert beneficiary.site_id == site.pk

    # 5. The file page shows the referral on its timeline.
    manager.get_by_role("link", name=f"Ouvrir le dossier {beneficiary.file_number}").click()
    manager.wait_for_url(f"**/espace-pro/dossiers/{beneficiary.pk}/")
    assert beneficiary.file_number in manager.content()
    timeline = manager.get_by_text(referral.reference)
    assert timeline.count() >= 1
    assert manager.get_by_text("Personne venue : bon d'orientation utilisé").first.is_visible()
    check_page(manager, assert_accessible, "beneficiary-file")
