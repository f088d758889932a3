"""Duplicate detection on a fixture of tricky names.

Found: accents (Müller / Muller), hyphens (Jean-Pierre / Jean Pierre), first and last names
swapped, one typo (Martin / Matrin, Dupont / Dupond), case and spaces. Never a candidate:
someone who shares a name but not a year of birth (both known), unless the phone is the same.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import MembershipFactory, NetworkFactory, SiteFactory
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.accounts.enums import Role
from tisser.beneficiaries.duplicates import find_duplicates, name_similarity

pytestmark = pytest.mark.django_db

# (stored first, stored last, stored year, typed first, typed last, typed year)
SAME_PERSON = [
    ("Anna", "Müller", 1975, "Anna", "Muller", 1975),
    ("Anna", "Muller", 1975, "ANNA", "MÜLLER", 1975),
    ("Jean-Pierre", "Durand", 1962, "Jean Pierre", "Durand", 1962),
    ("Jean Pierre", "Durand", 1962, "jean-pierre", "durand", 1962),
    ("Marie", "Le Gall", 1990, "Marie", "Le-Gall", 1990),
    ("Marie", "Le Gall", 1990, "Marie", "Legall", 1990),
    ("Fatou", "Diallo", 1988, "Diallo", "Fatou", 1988),
    ("Jean-Pierre", "Durand", 1962, "Durand", "Jean-Pierre", 1962),
    ("Sophie", "Martin", 1970, "Sophie", "Matrin", 1970),
    ("Luc", "Dupont", 1955, "Luc", "Dupond", 1955),
    ("Hélène", "Lefèvre", 1981, "Helene", "Lefevre", 1981),
    ("Zoé", "Keller", 1999, "Zoe", "Keler", 1999),
    ("Mohamed", "Benali", 1984, "Mohammed", "Benali", 1984),
    ("Anna", "Müller", None, "Anna", "Muller", 1975),  # year unknown on one side
    ("Anna", "Müller", 1975, "Anna", "Muller", None),
]


@pytest.fixture
def network(db):
    return NetworkFactory()


@pytest.fixture
def site(network):
    return SiteFactory(network=network)


def network_admin_of(network):
    return MembershipFactory(organisation=network, role=Role.NETWORK_ADMIN)


NETWORK_ADMIN = object()  # the default searcher, so that ``membership=None`` can be tested


def search(network, first, last, year, phone="", *, membership=NETWORK_ADMIN, **kwargs):
    """Search as ``membership``, by default a network admin (who sees the whole network)."""
    if membership is NETWORK_ADMIN:
        membership = network_admin_of(network)
    return find_duplicates(
        membership=membership,
        first_name=first,
        last_name=last,
        birth_year=year,
        phone=phone,
        site_network=network,
        **kwargs,
    )


def test_no_membership_finds_no_file_never_every_file(site):
    """A missing membership is never read as « everything »: no file is offered."""
    BeneficiaryFactory(site=site, first_name="Marie", last_name="Martin", birth_year=1990)
    assert search(site.network, "Marie", "Martin", 1990, membership=None) == []
    assert len(search(site.network, "Marie", "Martin", 1990)) == 1


@pytest.mark.parametrize(
    "stored_first, stored_last, stored_year, first, last, year",
    SAME_PERSON,
    ids=[f"{row[0]} {row[1]} ~ {row[3]} {row[4]}" for row in SAME_PERSON],
)
def test_tricky_spellings_of_the_same_person_are_found(
    network, site, stored_first, stored_last, stored_year, first, last, year
):
    stored = BeneficiaryFactory(
        site=site, first_name=stored_first, last_name=stored_last, birth_year=stored_year
    )
    # Noise that must not come up.
    BeneficiaryFactory(site=site, first_name="Paul", last_name="Schmitt", birth_year=1975)
    candidates = search(network, first, last, year)
    assert [c.beneficiary for c in candidates] == [stored]
    assert candidates[0].score >= 85
    assert candidates[0].reasons


def test_swapped_names_are_explained(network, site):
    BeneficiaryFactory(site=site, first_name="Fatou", last_name="Diallo", birth_year=1988)
    [candidate] = search(network, "Diallo", "Fatou", 1988)
    assert "prénom et nom inversés" in candidate.reasons
    assert "même année de naissance" in candidate.reasons


def test_a_namesake_born_another_year_is_not_a_candidate(network, site):
    BeneficiaryFactory(site=site, first_name="Marie", last_name="Martin", birth_year=1951)
    BeneficiaryFactory(site=site, first_name="Marie", last_name="Martin", birth_year=1990)
    assert search(network, "Marie", "Martin", 1989) == []
    [same_year] = search(network, "Marie", "Martin", 1990)
    assert same_year.beneficiary.birth_year == 1990


def test_a_namesake_born_another_year_is_a_candidate_with_the_same_phone(network, site):
    stored = BeneficiaryFactory(
        site=site, first_name="Marie", last_name="Martin", birth_year=1951, phone="+33612345678"
    )
    [candidate] = search(network, "Marie", "Martin", 1990, phone="06 12 34 56 78")
    assert candidate.beneficiary == stored
    assert "même numéro de téléphone" in candidate.reasons


def test_different_people_are_not_candidates(network, site):
    BeneficiaryFactory(site=site, first_name="Martine", last_name="Dubois", birth_year=1970)
    BeneficiaryFactory(site=site, first_name="Marc", last_name="Martin", birth_year=1970)
    BeneficiaryFactory(site=site, first_name="Marie", last_name="Marchand", birth_year=1970)
    assert search(network, "Marie", "Martin", 1970) == []


def test_same_phone_and_a_close_name_is_found_even_without_a_year(network, site):
    stored = BeneficiaryFactory(
        site=site, first_name="Aïcha", last_name="Benali", birth_year=None, phone="+33612345678"
    )
    [candidate] = search(network, "Aicha", "Ben Ali", None, phone="+33 6 12 34 56 78")
    assert candidate.beneficiary == stored


def test_the_same_phone_with_an_unrelated_name_is_not_a_duplicate(network, site):
    BeneficiaryFactory(site=site, first_name="Kevin", last_name="Weber", phone="+33612345678")
    assert search(network, "Odile", "Fischer", 1980, phone="0612345678") == []


def test_typo_in_the_first_letters_is_found_through_the_first_name(network, site):
    stored = BeneficiaryFactory(site=site, first_name="Sophie", last_name="Martin", birth_year=1970)
    assert [c.beneficiary for c in search(network, "Sophie", "Nartin", 1970)] == [stored]


def test_other_networks_merged_files_and_the_file_itself_are_left_out(network, site):
    foreign_site = SiteFactory(network=NetworkFactory(name="Autre réseau"))
    BeneficiaryFactory(site=foreign_site, first_name="Anna", last_name="Muller")
    kept = BeneficiaryFactory(site=site, first_name="Anna", last_name="Muller")
    BeneficiaryFactory(site=site, first_name="Anna", last_name="Muller", merged_into=kept)
    assert [c.beneficiary for c in search(network, "Anna", "Müller", 1980)] == [kept]
    assert search(network, "Anna", "Müller", 1980, exclude_pk=kept.pk) == []


def test_best_candidates_first_and_limited(network, site):
    exact = BeneficiaryFactory(
        site=site, first_name="Luc", last_name="Dupont", birth_year=1955, phone="+33612345678"
    )
    close = BeneficiaryFactory(site=site, first_name="Luc", last_name="Dupond", birth_year=1955)
    for _ in range(6):
        BeneficiaryFactory(site=site, first_name="Luc", last_name="Dupont", birth_year=None)
    candidates = search(network, "Luc", "Dupont", 1955, phone="0612345678", limit=3)
    assert len(candidates) == 3
    assert candidates[0].beneficiary == exact
    # Same year of birth weighs more than one typo: the close name comes next.
    assert candidates[1].beneficiary == close
    scores = [c.score for c in candidates]
    assert scores == sorted(scores, reverse=True)


def count_queries(network):
    admin = network_admin_of(network)
    with CaptureQueriesContext(connection) as queries:
        search(network, "Anna", "Muller", 1980, phone="0612345678", membership=admin)
    return len(queries)


# --- scoped before ranked ---------------------------------------------------------------------


@pytest.fixture
def crowded_other_site(network):
    """Six files at another site that match "Zoé Quintard, 1990" exactly, created first."""
    other = SiteFactory(network=network)
    for _number in range(6):
        BeneficiaryFactory(site=other, first_name="Zoé", last_name="Quintard", birth_year=1990)
    return other


def test_another_sites_best_matches_never_hide_the_members_own_file(
    network, site, crowded_other_site
):
    own = BeneficiaryFactory(site=site, first_name="Zoé", last_name="Quintard", birth_year=1990)
    mediator = MembershipFactory(organisation=site, role=Role.MEDIATOR)
    candidates = search(network, "Zoé", "Quintard", 1990, membership=mediator)
    assert [c.beneficiary for c in candidates] == [own]


def test_a_network_admin_sees_the_receiving_sites_file_first_among_equals(
    network, site, crowded_other_site
):
    own = BeneficiaryFactory(site=site, first_name="Zoé", last_name="Quintard", birth_year=1990)
    candidates = search(network, "Zoé", "Quintard", 1990, home_site_id=site.pk)
    assert len(candidates) == 5
    assert candidates[0].beneficiary == own
    assert {c.score for c in candidates} == {candidates[0].score}


def test_a_search_needs_the_acting_membership(network):
    with pytest.raises(TypeError):
        find_duplicates(
            first_name="Zoé", last_name="Quintard", birth_year=1990, phone="", site_network=network
        )


def test_candidates_come_in_constant_queries_whatever_the_number_of_files(network, site):
    BeneficiaryFactory(site=site, first_name="Anna", last_name="Muller")
    few = count_queries(network)
    for index in range(40):
        BeneficiaryFactory(site=site, first_name="Anna", last_name=f"Muller{index}")
    assert count_queries(network) == few == 2  # the network's sites, then the files


def test_name_similarity_is_symmetric_and_order_free():
    assert name_similarity("Jean-Pierre", "Durand", "Durand", "Jean Pierre") == 100
    assert name_similarity("Anna", "Müller", "anna", "MULLER") == 100
    assert name_similarity("Sophie", "Martin", "Sophie", "Matrin") >= 85
    assert name_similarity("Marie", "Martin", "Marc", "Dubois") < 60
    assert name_similarity("Marie", "Martin", "Marc", "Martin") < 85
