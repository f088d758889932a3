import pytest

from tests.diagnostics.content import build
from tisser.diagnostics import framework


@pytest.fixture(autouse=True)
def skills_content(tmp_path_factory, settings):
    """Every diagnostics test runs on the tiny framework of tests/diagnostics/content.py."""
    skills, exercises = build(tmp_path_factory.mktemp("content"))
    settings.SKILLS_CONTENT_DIR = skills
    settings.EXERCISES_CONTENT_DIR = exercises
    framework.clear_cache()
    yield skills
    framework.clear_cache()
