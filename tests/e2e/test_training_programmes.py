"""Issue 15 (helper P) in Chromium on a 360 px phone: the site manager's cohort list, a
cohort's calendar with its diagnostic links, moving a session, the programme list and the
agenda with a cohort session; every page fits the phone and axe-core finds no serious or
critical violation."""

import datetime

import pytest
from django.utils import timezone

from tests.e2e.demo_snapshot import seed_ci_demo
from tests.e2e.test_printouts_and_phone_lists import PHONE, assert_fits_the_phone, signed_in
from tisser.accounts import demo
from tisser.accounts.enums import Role
from tisser.accounts.models import Membership

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort():
    from tests.beneficiaries.factories import BeneficiaryFactory
    from tests.training.factories import (
        CohortFactory,
        CohortSessionFactory,
        EnrolmentFactory,
        ProgrammeFactory,
        ProgrammeSessionFactory,
    )
    from tisser.training.enums import SessionDiagnostic

    seed_ci_demo()
    manager = (
        Membership.objects.filter(
            user__email=f"responsable@{demo.DEMO_EMAIL_DOMAIN}", role=Role.SITE_MANAGER
        )
        .select_related("organisation")
        .first()
    )
    site = manager.organisation.site
    programme = ProgrammeFactory(network_id=site.network_id, total_minutes=360)
    first = ProgrammeSessionFactory(
        programme=programme,
        position=1,
        duration_minutes=180,
        title="Accueil et diagnostic",
        diagnostic=SessionDiagnostic.ENTRY,
        modules=["ecran-tactile"],
    )
    last = ProgrammeSessionFactory(
        programme=programme,
        position=2,
        duration_minutes=180,
        title="Bilan",
        diagnostic=SessionDiagnostic.EXIT,
    )
    group = CohortFactory(site=site, programme=programme, name="Groupe de mars")
    today = timezone.localdate()
    for plan, days in ((first, 0), (last, 7)):
        start = timezone.make_aware(
            datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(9))
        )
        CohortSessionFactory(
            cohort=group,
            plan=plan,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3),
            room="Salle bleue",
        )
    EnrolmentFactory(cohort=group, beneficiary=BeneficiaryFactory(site=site, first_name="Awa"))
    return group


def test_the_manager_reads_and_moves_on_a_phone(new_page, cohort, assert_accessible):
    page = signed_in(new_page, "responsable", **PHONE)
    for url in (
        "/espace-pro/formations/",
        f"/espace-pro/formations/groupes/{cohort.pk}/",
        "/espace-pro/formations/programmes/",
        "/espace-pro/formations/groupes/nouveau/",
        "/espace-pro/agenda/",
    ):
        page.goto(url)
        assert_fits_the_phone(page)
        assert_accessible(page)
    page.goto(f"/espace-pro/formations/groupes/{cohort.pk}/")
    assert page.get_by_text("Accueil et diagnostic").count()
    page.get_by_text("Commencer le diagnostic d'entrée de…").click()
    assert page.get_by_role("link", name="Awa").first.is_visible()
    page.get_by_role("link", name="Déplacer Bilan").click()
    page.wait_for_url("**/deplacer/")
    assert_fits_the_phone(page)
    assert_accessible(page)
    page.get_by_role("button", name="Déplacer la séance").click()
    # The same day and time: not a holiday, no overlap, the session moves onto itself.
    page.wait_for_url(f"**/espace-pro/formations/groupes/{cohort.pk}/")
    assert not page.watcher.problems, page.watcher.problems
