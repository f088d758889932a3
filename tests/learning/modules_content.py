"""A tiny module catalogue written to a temporary folder (``LEARNING_CONTENT_DIR``)."""

import json
from pathlib import Path


def yes_no(module_id: str, step_id: str, statement: str, answer: bool = True) -> dict:
    return {
        "id": f"{module_id}--{step_id}",
        "version": 1,
        "type": "yes_no",
        "instruction": "Répondez par oui ou par non.",
        "choices": 2,
        "content": {"statement": statement, "answer": answer},
    }


def _item(module_id, step_id, statement, domain, level):
    return {**yes_no(module_id, step_id, statement), "domain": domain, "level": level}


def module(module_id, title, domain, level, *, minutes=10, device="both", exercises=2):
    steps = [{"id": "carte-1", "kind": "card", "title": f"{title} : l'idée", "text": "Un texte."}]
    for number in range(1, exercises + 1):
        steps.append(
            {
                "id": f"exo-{number}",
                "kind": "exercise",
                "item": _item(module_id, f"exo-{number}", f"Affirmation {number}.", domain, level),
                "hint": "Relisez la carte.",
            }
        )
    steps.append({"id": "bilan", "kind": "recap", "points": ["Je sais faire.", "Je sais dire."]})
    return {
        "id": module_id,
        "version": 1,
        "title": title,
        "objective": f"À la fin, je sais {title.lower()}.",
        "domain": domain,
        "level": level,
        "minutes": minutes,
        "device": device,
        "prerequisites": [],
        "steps": steps,
    }


MODULES = [
    module("allumer-telephone", "Allumer un téléphone", "appareil", 0, minutes=5, device="phone"),
    module("envoyer-courriel", "Envoyer un courriel", "communiquer", 1, device="computer"),
    module("reperer-arnaque", "Repérer une arnaque", "securite", 1, minutes=15),
    module("creer-compte", "Créer un compte en ligne", "demarches", 1, minutes=20),
]


def build(folder: Path) -> Path:
    for data in MODULES:
        (folder / f"{data['id']}.json").write_text(json.dumps(data), encoding="utf-8")
    return folder
