"""A tiny skills framework and two forms for tests, until (and apart from) the real content.

Three domains (``emploi`` for jobseekers only), two yes/no items per level and form whose
right answer is always « Oui »: a test answers right with ``{"answer": True}``.
"""

import json
import shutil
from pathlib import Path

from django.conf import settings

DOMAINS = [
    ("appareil", "Utiliser un appareil", False),
    ("securite", "Se protéger", False),
    ("emploi", "Chercher un emploi", True),
]
LEVEL_TITLES = [
    ("Je découvre", "Je commence à utiliser le numérique."),
    ("Je débute", "Je fais les gestes simples avec de l'aide."),
    ("Je progresse", "Je fais les gestes simples seul."),
    ("Je me débrouille", "Je fais seul les démarches de tous les jours."),
    ("Je suis à l'aise", "Je fais tout seul et je peux aider les autres."),
]
PICTOGRAM = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true" '
    'focusable="false"><circle cx="12" cy="12" r="9" fill="currentColor"/></svg>'
)


def item_key(domain: str, kind: str, level: int, index: int) -> str:
    return f"diag-{domain}-{kind}-{level}-{index}"


def build(root: Path) -> tuple[Path, Path]:
    """Write the framework, the forms and the items under ``root``; return both dirs."""
    skills = root / "skills"
    exercises = root / "exercises"
    (skills / "forms").mkdir(parents=True)
    (skills / "pictures").mkdir()
    shutil.copytree(Path(settings.EXERCISES_CONTENT_DIR), exercises)
    framework = {
        "domains": [
            {
                "code": code,
                "label": label,
                "description": f"{label}, au quotidien.",
                "picture": f"{code}.svg",
                "pix": ["1.1"],
                "digcomp": ["1"],
                "uk_eds": ["FOUNDATION"],
                "jobseekers_only": jobseekers_only,
            }
            for code, label, jobseekers_only in DOMAINS
        ],
        "levels": [
            {"level": level, "title": title, "description": text}
            for level, (title, text) in enumerate(LEVEL_TITLES)
        ],
        "context_questions": [
            {
                "code": "smartphone",
                "question": "Avez-vous un smartphone ?",
                "options": [{"code": "oui", "label": "Oui"}, {"code": "non", "label": "Non"}],
            },
            {
                "code": "internet",
                "question": "Avez-vous internet à la maison ?",
                "options": [{"code": "oui", "label": "Oui"}, {"code": "non", "label": "Non"}],
            },
        ],
    }
    (skills / "framework.json").write_text(json.dumps(framework, ensure_ascii=False))
    for code, _label, _only in DOMAINS:
        (skills / "pictures" / f"{code}.svg").write_text(PICTOGRAM)
        form = {"domain": code}
        items = []
        for kind in ("entry", "exit"):
            form[kind] = {}
            for level in range(5):
                keys = [item_key(code, kind, level, index) for index in (1, 2)]
                form[kind][str(level)] = keys
                items.extend(
                    {
                        "id": key,
                        "version": 1,
                        "type": "yes_no",
                        "instruction": "Lisez la phrase. Répondez par oui ou par non.",
                        "choices": 2,
                        "level": level,
                        "domain": code,
                        "content": {"statement": f"Question {key} : répondez oui.", "answer": True},
                    }
                    for key in keys
                )
        (skills / "forms" / f"{code}.json").write_text(json.dumps(form))
        (exercises / f"diag-{code}.json").write_text(json.dumps(items, ensure_ascii=False))
    return skills, exercises
