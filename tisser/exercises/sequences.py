"""The learner's practice sequence: one item of each type, easiest gestures first.

A short tour of every kind of exercise (« M'entraîner »), before the diagnostic (issue 13)
and the modules (issue 14) bring their own sequences.
"""

from tisser.exercises.enums import ContextKind

PRACTICE_CONTEXT = (ContextKind.PRACTICE.value, "decouverte")
PRACTICE = (
    "geste-toucher",
    "choix-bouton-envoyer",
    "oui-non-cadenas",
    "zone-appli-messages",
    "ordre-envoyer-photo",
    "taper-adresse-mail",
    "messagerie-arnaque-colis",
    "formulaire-compte-caf",
)


def next_after(key: str) -> str | None:
    index = PRACTICE.index(key)
    return PRACTICE[index + 1] if index + 1 < len(PRACTICE) else None
