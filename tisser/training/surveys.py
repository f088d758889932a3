"""The questions of the satisfaction and outcome surveys, as data (helper S, issue 15).

The satisfaction survey: six short questions in plain French on a smiley scale of five
(« Très mécontent » … « Très satisfait »), the last one the overall question whose value
goes to ``SurveyResponse.overall``. The outcome survey, six months later: three questions
with simple answers. Answers are stored as ``{question code: value}``: an int of 1 to 5 for
the smiley scale, a choice's code for the outcome questions. Questions are never renamed:
a code, once answered, keeps its meaning (the figures read old answers).

Nothing here touches the database but ``satisfaction_counts``, which reporting calls on any
queryset of responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tisser.training.enums import SurveyKind

# « satisfait » and « très satisfait » on the overall question count as satisfied.
SATISFIED_FROM = 4
OVERALL = "ensemble"
# A label written with gettext_lazy (translated when shown).
StrOrPromise = str | Promise


@dataclass(frozen=True)
class Choice:
    value: int | str
    label: StrOrPromise
    # A smiley face (1 to 5) drawn beside the label, or 0 for a plain button.
    face: int = 0


@dataclass(frozen=True)
class Question:
    code: str
    text: StrOrPromise
    choices: tuple[Choice, ...]

    def choice(self, raw: str) -> Choice | None:
        """The choice a posted value names, or None (anything else is ignored)."""
        for choice in self.choices:
            if str(choice.value) == raw:
                return choice
        return None


SMILEYS = (
    Choice(1, _("Très mécontent"), face=1),
    Choice(2, _("Mécontent"), face=2),
    Choice(3, _("Moyen"), face=3),
    Choice(4, _("Satisfait"), face=4),
    Choice(5, _("Très satisfait"), face=5),
)

SATISFACTION_QUESTIONS = (
    Question("accueil", _("Avez-vous été bien accueilli ?"), SMILEYS),
    Question("explications", _("Les explications étaient-elles claires ?"), SMILEYS),
    Question("temps", _("Avez-vous eu assez de temps pour apprendre ?"), SMILEYS),
    Question("utile", _("Ce que vous avez appris vous sert-il ?"), SMILEYS),
    Question("aise", _("Êtes-vous plus à l'aise avec le numérique ?"), SMILEYS),
    Question(OVERALL, _("Dans l'ensemble, êtes-vous satisfait ?"), SMILEYS),
)

YES = "oui"
NO = "non"
# The outcome questions and the answers that count as « yes » in the figures.
SITUATION = "situation"
DIGITAL_ALONE = "numerique_seul"
PROCEDURE_ALONE = "demarche_seul"
OUTCOME_QUESTIONS = (
    Question(
        SITUATION,
        _("Aujourd'hui, avez-vous un emploi ou suivez-vous une formation ?"),
        (
            Choice("emploi", _("Oui, un emploi")),
            Choice("formation", _("Oui, une formation")),
            Choice(NO, _("Non")),
        ),
    ),
    Question(
        DIGITAL_ALONE,
        _("Utilisez-vous encore seul votre téléphone ou un ordinateur ?"),
        (Choice(YES, _("Oui")), Choice("parfois", _("Parfois")), Choice(NO, _("Non"))),
    ),
    Question(
        PROCEDURE_ALONE,
        _("Depuis, avez-vous fait seul une démarche en ligne ?"),
        (Choice(YES, _("Oui")), Choice(NO, _("Non"))),
    ),
)
OUTCOME_YES = {
    SITUATION: ("emploi", "formation"),
    DIGITAL_ALONE: (YES,),
    PROCEDURE_ALONE: (YES,),
}


def questions_for(kind: str) -> tuple[Question, ...]:
    return OUTCOME_QUESTIONS if kind == SurveyKind.OUTCOME else SATISFACTION_QUESTIONS


def parse_answers(kind: str, data) -> dict[str, int | str]:
    """The valid answers found in ``data`` (a QueryDict or dict of ``q_<code>`` fields), in
    the questions' order, stopping at the first question not answered: a tampered or
    missing value never skips a question."""
    answers: dict[str, int | str] = {}
    for question in questions_for(kind):
        choice = question.choice(str(data.get(f"q_{question.code}", "")))
        if choice is None:
            break
        answers[question.code] = choice.value
    return answers


def next_question(kind: str, answers: dict) -> Question | None:
    for question in questions_for(kind):
        if question.code not in answers:
            return question
    return None


def ratio(part: int, whole: int) -> Decimal | None:
    """``part / whole`` to four decimals (0.9333), or None when nobody answered."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def satisfaction_counts(responses) -> dict:
    """The satisfaction rate of a queryset of responses (one query): ``answers`` (responses
    with an overall answer), ``satisfied`` (4 or 5 on it) and ``rate`` (their ratio, None
    when there is no answer). Reporting groups with ``.values(...)`` first if it needs to."""
    counts = responses.filter(kind=SurveyKind.SATISFACTION).aggregate(
        answers=Count("pk", filter=Q(overall__isnull=False)),
        satisfied=Count("pk", filter=Q(overall__gte=SATISFIED_FROM)),
    )
    return {**counts, "rate": ratio(counts["satisfied"], counts["answers"])}
