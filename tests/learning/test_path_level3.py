"""The learner's path over the project's own modules (content/modules/): a person at level 2
in a domain is offered that domain's level-3 module (« Je me débrouille seul »), after the
level-2 ones; at level 3 (autonomy) the domain suggests nothing."""

import pytest

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.diagnostics.factories import DiagnosticFactory, DiagnosticResultFactory
from tests.learning.conftest import signed_in_learner
from tisser.diagnostics import framework
from tisser.diagnostics.enums import AUTONOMY_LEVEL
from tisser.learning import content, selectors

pytestmark = pytest.mark.django_db

LEVEL_3 = {
    "appareil": "ranger-fichiers",
    "informations": "verifier-information",
    "communiquer": "partager-document",
    "demarches": "suivre-demarche",
    "securite": "proteger-comptes",
    "emploi": "suivre-candidatures",
}


@pytest.fixture(autouse=True)
def project_modules(settings):
    settings.LEARNING_CONTENT_DIR = settings.BASE_DIR / "content" / "modules"
    content.clear_cache()
    yield
    content.clear_cache()


def diagnosed(site, levels: dict[str, int]):
    person = BeneficiaryFactory(site=site)
    diagnostic = DiagnosticFactory(beneficiary=person, finished=True)
    for domain, level in levels.items():
        DiagnosticResultFactory(diagnostic=diagnostic, domain=domain, level=level)
    return person


def test_every_domain_of_the_framework_has_its_level_3_module():
    assert AUTONOMY_LEVEL == 3  # level 3 modules are for people at level 2
    assert set(LEVEL_3) == {domain.code for domain in framework.domains()}
    for domain, key in LEVEL_3.items():
        assert [m.key for m in content.modules_for(domain, 3)] == [key]
        prerequisites = content.module(key).prerequisites
        assert prerequisites and all(content.module(p).level < 3 for p in prerequisites)


@pytest.mark.parametrize(("domain", "key"), LEVEL_3.items())
def test_a_person_at_level_2_is_offered_the_level_3_module_after_the_level_2_ones(
    site, domain, key
):
    others = {code: AUTONOMY_LEVEL for code in LEVEL_3 if code != domain}
    person = diagnosed(site, {**others, domain: 2})
    path = [entry.module for entry in selectors.learner_path(learner=person)]
    assert key in [m.key for m in path]
    assert {m.domain for m in path} == {domain}
    levels = [m.level for m in path]
    assert levels == sorted(levels) and levels[-1] == 3


def test_at_level_3_a_domain_suggests_nothing(site):
    person = diagnosed(site, dict.fromkeys(LEVEL_3, AUTONOMY_LEVEL))
    assert selectors.learner_path(learner=person) == []


def test_the_learner_sees_the_level_3_module_on_their_path_and_can_open_it(site):
    client, person = signed_in_learner(site)
    diagnostic = DiagnosticFactory(beneficiary=person, finished=True)
    DiagnosticResultFactory(diagnostic=diagnostic, domain="securite", level=2)
    page = client.get("/apprendre/modules/").content.decode()
    assert "Protéger ses comptes : validation en deux étapes et mises à jour" in page
    assert "/apprendre/modules/proteger-comptes/" in page
    intro = client.get("/apprendre/modules/proteger-comptes/")
    assert intro.status_code == 200
    assert "activer la validation en deux étapes" in intro.content.decode()
