import pytest

from tests.diagnostics.content import build
from tisser.diagnostics import framework


@pytest.fixture
def skills_content(tmp_path_factory, settings):
    """The tiny framework of tests/diagnostics/content.py (sittings and learner pages use it,
    with ``pytestmark = pytest.mark.usefixtures("skills_content")``)."""
    skills, exercises = build(tmp_path_factory.mktemp("content"))
    settings.SKILLS_CONTENT_DIR = skills
    settings.EXERCISES_CONTENT_DIR = exercises
    framework.clear_cache()
    yield skills
    framework.clear_cache()
