"""Households: two files linked at the counter, taken out, followed through a merge,
shown on the file and its timeline; scoped like files."""

import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.beneficiaries import services
from tisser.beneficiaries.models import Household, HouseholdMember
from tisser.core.errors import DomainError
from tisser.core.models import JournalEntry
from tisser.core.timeline import beneficiary_timeline

pytestmark = pytest.mark.django_db


def _members(household):
    return set(
        HouseholdMember.objects.current()
        .filter(household=household)
        .values_list("beneficiary_id", flat=True)
    )


def test_linking_two_files_makes_a_household_and_a_third_joins_it(team):
    first, second, third = (BeneficiaryFactory(site=team.site) for _ in range(3))
    household = services.household_link(actor=team.mediator, beneficiary=first, other=second)
    assert _members(household) == {first.pk, second.pk}
    assert (
        services.household_link(actor=team.mediator, beneficiary=third, other=second) == household
    )
    assert _members(household) == {first.pk, second.pk, third.pk}
    entry = JournalEntry.objects.filter(action="household.linked").order_by("pk").last()
    assert entry.payload["joined"] == [third.pk]


def test_two_households_are_not_merged_silently(team):
    a, b, c, d = (BeneficiaryFactory(site=team.site) for _ in range(4))
    services.household_link(actor=team.mediator, beneficiary=a, other=b)
    services.household_link(actor=team.mediator, beneficiary=c, other=d)
    with pytest.raises(DomainError, match="deux foyers différents"):
        services.household_link(actor=team.mediator, beneficiary=a, other=c)
    with pytest.raises(DomainError, match="même foyer"):
        services.household_link(actor=team.mediator, beneficiary=b, other=a)
    with pytest.raises(DomainError):
        services.household_link(actor=team.mediator, beneficiary=a, other=a)


@pytest.mark.parametrize("who", ["volunteer", "other_manager", "referrer", "funder_viewer"])
def test_only_the_file_team_links_files(team, who):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    with pytest.raises(DomainError):
        services.household_link(actor=getattr(team, who), beneficiary=first, other=second)
    assert not Household.objects.exists()


def test_a_file_of_another_site_cannot_be_linked_by_this_site(team):
    mine, theirs = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.other_site)
    with pytest.raises(DomainError, match="accessible"):
        services.household_link(actor=team.manager, beneficiary=mine, other=theirs)
    # The network admin sees both sites and may link them.
    services.household_link(actor=team.admin, beneficiary=mine, other=theirs)


def test_leaving_a_household_of_two_ends_it(team):
    first, second, third = (BeneficiaryFactory(site=team.site) for _ in range(3))
    household = services.household_link(actor=team.mediator, beneficiary=first, other=second)
    services.household_link(actor=team.mediator, beneficiary=third, other=first)
    services.household_leave(actor=team.mediator, beneficiary=third)
    assert _members(household) == {first.pk, second.pk}
    services.household_leave(actor=team.mediator, beneficiary=first)
    assert _members(household) == set()
    assert (
        JournalEntry.objects.filter(action="household.left").order_by("pk").last().payload["ended"]
        is True
    )
    with pytest.raises(DomainError, match="aucun foyer"):
        services.household_leave(actor=team.mediator, beneficiary=first)
    # The history stays: three stays, all ended.
    assert HouseholdMember.objects.filter(household=household, left_at__isnull=False).count() == 3


def test_a_merged_file_s_household_follows_the_kept_file(team):
    kept, duplicate, partner = (BeneficiaryFactory(site=team.site) for _ in range(3))
    household = services.household_link(actor=team.mediator, beneficiary=duplicate, other=partner)
    services.beneficiary_merge(actor=team.manager, kept=kept, duplicate=duplicate, reason="Doublon")
    assert _members(household) == {kept.pk, partner.pk}


def test_when_both_files_have_a_household_the_kept_one_stays(team):
    kept, duplicate, a, b = (BeneficiaryFactory(site=team.site) for _ in range(4))
    mine = services.household_link(actor=team.mediator, beneficiary=kept, other=a)
    theirs = services.household_link(actor=team.mediator, beneficiary=duplicate, other=b)
    services.beneficiary_merge(actor=team.manager, kept=kept, duplicate=duplicate, reason="Doublon")
    assert _members(mine) == {kept.pk, a.pk}
    assert _members(theirs) == {b.pk}
    # The duplicate's stay is kept as the kept file's history.
    assert HouseholdMember.objects.filter(household=theirs, beneficiary=kept).exists()


def test_the_household_shows_on_the_timeline(team):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    services.household_link(actor=team.mediator, beneficiary=first, other=second)
    services.household_leave(actor=team.mediator, beneficiary=first)
    kinds = [event.kind for event in beneficiary_timeline(first)]
    assert "household.joined" in kinds and "household.left" in kinds


# --- pages -------------------------------------------------------------------------------


def test_the_file_page_links_another_file_by_its_number(team, login):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    client = login(team.mediator)
    response = client.post(
        f"/espace-pro/dossiers/{first.pk}/foyer/", {"file_number": second.file_number.lower()}
    )
    assert response.status_code == 302
    page = client.get(f"/espace-pro/dossiers/{first.pk}/").content.decode()
    assert second.file_number in page and "Retirer cette personne du foyer" in page


def test_a_number_of_another_site_is_a_form_error(team, login):
    first, theirs = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.other_site)
    client = login(team.mediator)
    response = client.post(
        f"/espace-pro/dossiers/{first.pk}/foyer/", {"file_number": theirs.file_number}
    )
    assert response.status_code == 400
    assert "Aucun dossier de votre espace" in response.content.decode()
    assert not Household.objects.exists()


def test_the_leave_button_takes_the_file_out(team, login):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    services.household_link(actor=team.mediator, beneficiary=first, other=second)
    response = login(team.manager).post(f"/espace-pro/dossiers/{first.pk}/foyer/quitter/")
    assert response.status_code == 302
    assert not HouseholdMember.objects.current().exists()


def test_a_volunteer_sees_the_household_but_cannot_change_it(team, login):
    first, second = BeneficiaryFactory(site=team.site), BeneficiaryFactory(site=team.site)
    services.household_link(actor=team.mediator, beneficiary=first, other=second)
    client = login(team.volunteer)
    page = client.get(f"/espace-pro/dossiers/{first.pk}/").content.decode()
    assert second.file_number in page and "Retirer cette personne du foyer" not in page
    assert client.get(f"/espace-pro/dossiers/{first.pk}/foyer/").status_code == 403


def test_another_site_gets_a_404(team, login):
    first = BeneficiaryFactory(site=team.site)
    assert (
        login(team.other_manager).get(f"/espace-pro/dossiers/{first.pk}/foyer/").status_code == 404
    )
