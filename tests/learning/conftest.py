import json
import shutil
from pathlib import Path

import pytest
from django.test import Client

from tests.beneficiaries.factories import BeneficiaryFactory
from tests.learners.factories import LearnerCardFactory
from tests.learning.modules_content import build
from tisser.learning import content

FIXTURE_DIR = Path(__file__).resolve().parent / "modules"
MODULE_KEY = "ecrire-un-mail"


class ModuleFiles:
    """The test modules in a temporary directory, editable (a new version of a module)."""

    def __init__(self, root: Path):
        self.root = root

    def read(self, key: str = MODULE_KEY) -> dict:
        return json.loads((self.root / f"{key}.json").read_text(encoding="utf-8"))

    def write(self, data: dict) -> None:
        (self.root / f"{data['id']}.json").write_text(
            json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )
        content.clear_cache()

    def add(self, key: str, *, domain: str, level: int, title: str = "") -> None:
        data = self.read()
        data.update(id=key, domain=domain, level=level, title=title or key)
        for step in data["steps"]:
            if step["kind"] == "exercise":
                step["item"].update(id=f"{key}--{step['id']}", domain=domain, level=level)
        self.write(data)


@pytest.fixture
def module_files(tmp_path, settings):
    root = tmp_path / "modules"
    shutil.copytree(FIXTURE_DIR, root)
    settings.LEARNING_CONTENT_DIR = root
    content.clear_cache()
    yield ModuleFiles(root)
    content.clear_cache()


def signed_in_learner(site, **person):
    beneficiary = BeneficiaryFactory(site=site, **person)
    card = LearnerCardFactory(beneficiary=beneficiary)
    client = Client()
    response = client.post("/apprendre/", {"code": card.code})
    assert response.status_code == 302, response.content[:300]
    return client, beneficiary


@pytest.fixture
def learner(site):
    return signed_in_learner(site)


@pytest.fixture
def modules_content(tmp_path_factory, settings):
    """The four modules of tests/learning/modules_content.py (the helper's pages, the
    groups and the figures: ``usefixtures``)."""
    settings.LEARNING_CONTENT_DIR = build(tmp_path_factory.mktemp("modules_content"))
    content.clear_cache()
    yield settings.LEARNING_CONTENT_DIR
    content.clear_cache()
