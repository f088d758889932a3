"""The modules a diagnostic suggests, on its results pages (decision 0053, « Suggested
modules on the diagnostic results »): listed for the team with « Donner ces modules »,
given from there, nothing when the path suggests nothing, roles, the learner's link."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.builders import at, finished
from tests.learning.conftest import signed_in_learner
from tests.learning.factories import ModuleAssignmentFactory, ModuleProgressFactory
from tisser.accounts.enums import Role
from tisser.core.models import JournalEntry
from tisser.diagnostics.next_steps import staff_next_steps
from tisser.learning.models import ModuleAssignment
from tisser.learning.selectors import learner_path, suggested_modules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("modules_content")]

# appareil 0 suggests « Allumer un téléphone » (level 0), securite 1 « Repérer une
# arnaque » (level 1); communiquer is autonomous, so « Envoyer un courriel » is not offered.
LEVELS = {"appareil": 0, "securite": 1, "communiquer": 3}
SUGGESTED = ["allumer-telephone", "reperer-arnaque"]


@pytest.fixture
def person(site):
    return BeneficiaryFactory(site=site, first_name="Aïcha")


@pytest.fixture
def sitting(person):
    return finished(person, LEVELS)


def results_url(diagnostic):
    return reverse("diagnostics:results", kwargs={"pk": diagnostic.pk})


def assign_url(diagnostic):
    return reverse("modules:diagnostic_assign", kwargs={"pk": diagnostic.pk})


def _given(person):
    return list(
        ModuleAssignment.objects.filter(beneficiary=person, withdrawn_at__isnull=True)
        .order_by("position")
        .values_list("module_key", flat=True)
    )


def test_the_staff_results_page_lists_what_the_path_suggests(login, mediator, person, sitting):
    page = login(mediator).get(results_url(sitting)).content.decode()
    assert "Modules conseillés" in page
    assert "Allumer un téléphone" in page and "Repérer une arnaque" in page
    assert "Envoyer un courriel" not in page  # communiquer is autonomous
    # The path's own rule, in its order.
    path_rule = [row.key for row in suggested_modules(learner=person, excluded=set())]
    assert path_rule == SUGGESTED
    assert page.index("Allumer un téléphone") < page.index("Repérer une arnaque")
    assert "Donner ces modules" in page and assign_url(sitting) in page
    for key in SUGGESTED:
        assert f'name="modules" value="{key}"' in page
    assert reverse("modules:person", kwargs={"pk": person.pk}) in page


def test_giving_them_from_the_results_page_puts_them_on_the_path_journaled(
    login, mediator, person, sitting
):
    client = login(mediator)
    response = client.post(assign_url(sitting), {"modules": SUGGESTED})
    assert response.status_code == 302 and response.url == results_url(sitting)
    assert _given(person) == SUGGESTED
    entry = JournalEntry.objects.get(action="learning.assigned")
    assert entry.object_id == str(person.pk) and entry.site_id == person.site_id
    assert entry.payload == {"modules": SUGGESTED, "role": Role.MEDIATOR}
    page = client.get(results_url(sitting)).content.decode()
    assert "Modules donnés" in page
    assert page.count("(déjà donné)") == 2 and "Donner ces modules" not in page
    assert [entry.assigned for entry in learner_path(learner=person)][:2] == [True, True]
    # Sent again (a second tab): nothing doubles.
    client.post(assign_url(sitting), {"modules": SUGGESTED})
    assert _given(person) == SUGGESTED
    assert JournalEntry.objects.filter(action="learning.assigned").count() == 1


def test_only_suggested_modules_are_given_from_there(login, mediator, person, sitting):
    client = login(mediator)
    client.post(assign_url(sitting), {"modules": ["envoyer-courriel", "reperer-arnaque"]})
    assert _given(person) == ["reperer-arnaque"]
    response = client.post(assign_url(sitting), {"modules": ["envoyer-courriel"]}, follow=True)
    assert "ne sont plus conseillés" in response.content.decode()
    client.post(assign_url(sitting), {"modules": ["pas-un-module"]})
    client.post(assign_url(sitting), {})
    assert _given(person) == ["reperer-arnaque"]


def test_a_module_already_given_or_started_is_said_and_a_finished_one_left_out(
    login, mediator, person, sitting
):
    ModuleAssignmentFactory(beneficiary=person, module_key="reperer-arnaque")
    ModuleProgressFactory(beneficiary=person, module_key="reperer-arnaque")
    page = login(mediator).get(results_url(sitting)).content.decode()
    assert "déjà donné, commencé" in page
    assert 'value="reperer-arnaque"' not in page and 'value="allumer-telephone"' in page
    ModuleProgressFactory(beneficiary=person, module_key="allumer-telephone", finished=True)
    page = login(mediator).get(results_url(sitting)).content.decode()
    assert "Allumer un téléphone" not in page
    assert "Ces modules sont déjà donnés à Aïcha." in page


def test_nothing_is_shown_when_the_path_suggests_nothing(login, mediator, person):
    autonomous = finished(person, {"appareil": 3, "securite": 4})
    client = login(mediator)
    page = client.get(results_url(autonomous)).content.decode()
    assert "Modules conseillés" not in page and "Donner ces modules" not in page
    client.post(assign_url(autonomous), {"modules": SUGGESTED})
    assert _given(person) == []


def test_an_older_sitting_suggests_nothing_the_path_follows_the_latest(login, mediator, person):
    older = finished(person, LEVELS, when=at(2))
    finished(person, {"appareil": 3, "securite": 3}, when=at(20))
    client = login(mediator)
    assert "Modules conseillés" not in client.get(results_url(older)).content.decode()
    client.post(assign_url(older), {"modules": SUGGESTED})
    assert _given(person) == []


@pytest.mark.parametrize("role", [Role.SITE_MANAGER, Role.MEDIATOR, Role.VOLUNTEER])
def test_the_site_team_sees_and_gives_them(login, member_factory, site, person, sitting, role):
    client = login(member_factory(site, role))
    assert "Donner ces modules" in client.get(results_url(sitting)).content.decode()
    client.post(assign_url(sitting), {"modules": SUGGESTED})
    assert _given(person) == SUGGESTED


def test_a_network_admin_gives_them_another_site_gets_a_404(
    login, network_admin, member_factory, other_site, person, sitting
):
    stranger = login(member_factory(other_site, Role.MEDIATOR))
    assert stranger.post(assign_url(sitting), {"modules": SUGGESTED}).status_code == 404
    assert _given(person) == []
    admin = login(network_admin)
    assert "Donner ces modules" in admin.get(results_url(sitting)).content.decode()
    admin.post(assign_url(sitting), {"modules": SUGGESTED})
    assert _given(person) == SUGGESTED


def test_a_merged_file_is_offered_nothing(login, mediator, person, sitting, site):
    person.merged_into = BeneficiaryFactory(site=site)
    person.save(update_fields=["merged_into"])
    assert not staff_next_steps(sitting, mediator)


def test_a_learner_cannot_give_modules(site, person, sitting):
    client, _learner = signed_in_learner(site)
    assert client.post(assign_url(sitting), {"modules": SUGGESTED}).status_code == 404
    assert _given(person) == []


def test_the_results_page_keeps_a_constant_number_of_queries(login, mediator, person):
    sitting = finished(person, {"appareil": 0})
    client = login(mediator)
    client.get(results_url(sitting))
    with CaptureQueriesContext(connection) as one:
        page = client.get(results_url(sitting)).content.decode()
    assert page.count('name="modules"') == 1
    more = finished(person, {"appareil": 0, "securite": 1, "demarches": 0}, when=at(25))
    ModuleAssignmentFactory(beneficiary=person, module_key="reperer-arnaque")
    ModuleProgressFactory(beneficiary=person, module_key="creer-compte")
    ModuleProgressFactory(beneficiary=person, module_key="envoyer-courriel", finished=True)
    client.get(results_url(more))
    with CaptureQueriesContext(connection) as many:
        page = client.get(results_url(more)).content.decode()
    assert page.count('name="modules"') == 2 and "déjà donné" in page and "commencé" in page
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_learners_results_link_to_my_path_where_they_appear(site):
    client, person = signed_in_learner(site)
    sitting = finished(person, LEVELS)
    page = client.get(reverse("diagnostic:results", kwargs={"pk": sitting.pk})).content.decode()
    path = reverse("learning:path")
    assert f'href="{path}"' in page and "Aller à « Mon parcours »" in page
    assert "2 modules sont prêts pour vous" in page
    assert "Allumer un téléphone" in page and "Repérer une arnaque" in page
    on_path = client.get(path).content.decode()
    assert "Allumer un téléphone" in on_path and "Repérer une arnaque" in on_path


def test_the_learners_results_say_nothing_of_modules_when_none_is_suggested(site):
    client, person = signed_in_learner(site)
    sitting = finished(person, {"appareil": 4})
    page = client.get(reverse("diagnostic:results", kwargs={"pk": sitting.pk})).content.decode()
    assert "Mon parcours" not in page and "prêt pour vous" not in page
