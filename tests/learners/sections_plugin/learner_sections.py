"""A pretend app that offers learners something (the registry must find it unedited)."""

from tisser.core.learner_home import LearnerSection


def learner_sections(learner):
    return [
        LearnerSection(
            title="S'entraîner au clavier",
            url="/apprendre/exercices/",
            description=f"Pour {learner.first_name} : quelques minutes par jour.",
            order=10,
        ),
        LearnerSection(title="Bientôt", url="/apprendre/autre/", order=50, badge="2 nouveaux"),
    ]
