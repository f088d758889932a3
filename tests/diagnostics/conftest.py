import pytest

from tests.diagnostics.content import build
from tisser.diagnostics import framework
from tisser.learning import content as learning_content


@pytest.fixture
def skills_content(tmp_path_factory, settings):
    """The tiny framework of tests/diagnostics/content.py (sittings and learner pages use it,
    with ``pytestmark = pytest.mark.usefixtures("skills_content")``)."""
    skills, exercises = build(tmp_path_factory.mktemp("content"))
    settings.SKILLS_CONTENT_DIR = skills
    settings.EXERCISES_CONTENT_DIR = exercises
    # No learning modules in this tiny world: the real ones name domains it does not have
    # (the results pages ask the modules what to suggest, decision 0053).
    settings.LEARNING_CONTENT_DIR = tmp_path_factory.mktemp("no_modules")
    framework.clear_cache()
    learning_content.clear_cache()
    yield skills
    framework.clear_cache()
    learning_content.clear_cache()
