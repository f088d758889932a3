import pytest

from tests.learning.modules_content import build
from tisser.learning import content


@pytest.fixture
def modules_content(tmp_path_factory, settings):
    """The four modules of tests/learning/modules_content.py (``usefixtures``)."""
    settings.LEARNING_CONTENT_DIR = build(tmp_path_factory.mktemp("modules"))
    content.clear_cache()
    yield settings.LEARNING_CONTENT_DIR
    content.clear_cache()
