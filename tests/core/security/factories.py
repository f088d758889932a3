"""Find the factory_boy factory of any model (in any ``tests/<app>/factories.py``)."""

import importlib
from pathlib import Path

from factory.django import DjangoModelFactory

TESTS_DIR = Path(__file__).resolve().parents[2]


def all_factories() -> list[type[DjangoModelFactory]]:
    found = []
    for path in sorted(TESTS_DIR.glob("*/factories.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.factories")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DjangoModelFactory)
                and value._meta.model is not None
                and value.__module__ == module.__name__
            ):
                found.append(value)
    return found


FACTORIES = all_factories()


def factory_for(model) -> type[DjangoModelFactory]:
    candidates = [f for f in FACTORIES if f._meta.model is model]
    if not candidates:
        raise AssertionError(
            f"No factory_boy factory for {model._meta.label}: add one to "
            f"tests/{model._meta.app_label}/factories.py so the cross-site matrix can test it."
        )
    named = [f for f in candidates if f.__name__ == f"{model.__name__}Factory"]
    return (named or candidates)[0]
