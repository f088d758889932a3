"""The service's answer to the tap that ends a simulation (« Candidature envoyée »): an
ending action may go to a screen of texts only, shown with the feedback."""

from tisser.exercises.content import check_item
from tisser.learning.content import module


def webmail():
    return module("mail-joindre").exercise_item("webmail").definition


def with_end_going_to(entry, screen):
    content = entry["content"]
    screens = [
        {
            **s,
            "elements": [
                {**e, "go": "envoye"} if e.get("id") == "envoyer" else e for e in s["elements"]
            ],
        }
        for s in content["screens"]
    ]
    return {**entry, "content": {**content, "screens": [*screens, screen]}}


def test_an_ending_action_may_go_to_a_screen_of_texts():
    answer = {
        "id": "envoye",
        "title": "Message envoyé",
        "elements": [{"kind": "text", "text": "Votre message est parti.", "style": "message"}],
    }
    assert check_item(with_end_going_to(webmail(), answer), where=[], root=None) == []


def test_the_screen_after_the_end_has_nothing_to_tap():
    answer = {
        "id": "envoye",
        "title": "Message envoyé",
        "elements": [
            {"kind": "text", "text": "Votre message est parti."},
            {"kind": "action", "id": "encore", "label": "Écrire encore", "does": "écrire encore"},
        ],
    }
    problems = check_item(with_end_going_to(webmail(), answer), where=[], root=None)
    assert len(problems) == 1
    assert "'envoye' suit une action de fin : il n'a que des textes" in problems[0]
