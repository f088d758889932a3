"""The activity export in the national tool's layout (reference-lists §1.5).

One sheet named « Activités »: the export's metadata (who, when, how many), the active
filters, then the table in the Coop's column order with labels, not codes, and several
values of one cell separated by line breaks. Written through ``tisser.core.exports``
(formula-safe). XLSX is bounded, CSV is streamed (docs/decisions/0021).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from tisser.accounts.enums import Role
from tisser.activities.enums import (
    AUTONOMY_SCORE,
    COUNTED_ATTRIBUTES,
    WORKSHOP_LEVEL_SCORE,
    ActivityKind,
    Equipment,
    Operator,
    PlaceType,
    ProcedureTheme,
    RedirectionTarget,
    Theme,
)
from tisser.activities.models import Activity
from tisser.activities.people import file_attributes
from tisser.core import clock
from tisser.core.exports import Cell

SHEET_TITLE = "Activités"
# Above this many rows the XLSX is refused (narrow the filters, or take the CSV).
XLSX_MAX_ROWS = 50_000
CSV_CHUNK = 2000
COLUMNS = (
    "Date",
    "Type",
    "Nombre de participants",
    "Bénéficiaire",
    "Canaux d’accompagnement",
    "Lieu",
    "Durée (min)",
    "Nom de l’atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune de résidence du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire",
    "Statut du bénéficiaire",
    "Notes supplémentaires",
)
ATTRIBUTE_COLUMNS = ("gender", "age", "status")

_THEME_LABELS = {**dict(Theme.choices), **dict(ProcedureTheme.choices)}


def _lines(values: Iterable[str]) -> str:
    return "\n".join(str(value) for value in values)


def _labels(codes: Sequence[str], labels) -> str:
    return _lines(labels.get(code, code) for code in codes)


def _place(activity: Activity) -> str:
    site = activity.site
    if activity.place_type == PlaceType.LIEU_ACTIVITE:
        return f"{site.name}, {site.postal_code} {site.city}"
    if activity.place_type == PlaceType.A_DISTANCE:
        # Remote: the national tool uses the structure's commune.
        return f"{site.postal_code} {site.city}"
    return f"{activity.place_postal_code} {activity.place_commune}".strip()


def _person(beneficiary, *, with_names: bool) -> str:
    if with_names:
        return f"{beneficiary.first_name} {beneficiary.last_name}".strip()
    return beneficiary.file_number


def _beneficiaries(activity: Activity, *, with_names: bool) -> str:
    people = [_person(p.beneficiary, with_names=with_names) for p in activity.identified]
    if activity.anonymous_count:
        people.append(
            _("Anonyme")
            if activity.anonymous_count == 1
            else _("%(count)s anonymes") % {"count": activity.anonymous_count}
        )
    return _lines(people)


def _level(activity: Activity) -> str:
    score = (
        AUTONOMY_SCORE.get(activity.autonomy)
        if activity.kind == ActivityKind.INDIVIDUEL
        else WORKSHOP_LEVEL_SCORE.get(activity.workshop_level)
    )
    return f"{score}/3" if score else ""


def _redirected(activity: Activity) -> str:
    return {True: "Oui", False: "Non"}.get(activity.redirected, "")


def attribute_counts(activity: Activity) -> dict[str, dict[str, int]]:
    """Everyone of the record per value of §1.4: files (derived) plus anonymous counts."""
    totals: dict[str, dict[str, int]] = {a: {} for a in COUNTED_ATTRIBUTES}
    for participation in activity.identified:
        for attribute, code in file_attributes(participation.beneficiary, activity.date).items():
            totals[attribute][code] = totals[attribute].get(code, 0) + 1
    for attribute, counts in (activity.anonymous_counts or {}).items():
        for code, number in counts.items():
            totals[attribute][code] = totals[attribute].get(code, 0) + number
    return totals


def _attribute(activity: Activity, attribute: str, counts) -> str:
    labels = dict(COUNTED_ATTRIBUTES[attribute].choices)
    found = counts[attribute]
    if activity.participant_count == 1 and len(found) == 1:
        return str(labels[next(iter(found))])
    return _lines(
        f"{labels[code]} : {found[code]}"
        for code in COUNTED_ATTRIBUTES[attribute].values
        if found.get(code)
    )


def _residence(activity: Activity) -> str:
    if activity.kind == ActivityKind.INDIVIDUEL and activity.identified:
        beneficiary = activity.identified[0].beneficiary
        place = f"{beneficiary.postal_code} {beneficiary.commune}".strip()
        return place or "-"
    return "-"


def activity_row(activity: Activity, *, with_names: bool = True) -> list[Cell]:
    counts = attribute_counts(activity)
    return [
        activity.date,
        activity.get_kind_display(),
        activity.participant_count,
        _beneficiaries(activity, with_names=with_names),
        activity.get_place_type_display(),
        _place(activity),
        activity.duration_minutes,
        activity.workshop_name,
        _labels(activity.equipment, dict(Equipment.choices)),
        _labels([*activity.themes, *activity.procedure_themes], _THEME_LABELS),
        # Tisser's own classification goes where the national tool keeps local tags.
        dict(Operator.choices).get(activity.operator, "") if activity.operator else "",
        activity.procedure_name,
        _level(activity),
        _redirected(activity),
        dict(RedirectionTarget.choices).get(activity.redirection_target, ""),
        _residence(activity),
        *[_attribute(activity, attribute, counts) for attribute in ATTRIBUTE_COLUMNS],
        activity.notes,
    ]


def preamble(*, membership, total: int, filters: Sequence[tuple[str, str]]) -> list[list[Cell]]:
    """Who exported, when, how many, then the active filters (one per row)."""
    now = timezone.localtime(clock.now())
    user = membership.user
    rows: list[list[Cell]] = [
        ["Informations export"],
        ["Nom", user.last_name],
        ["Prénom", user.first_name],
        ["Rôle", str(Role(membership.role).label)],
        ["Total", total],
        ["Date d’export", now.strftime("%d/%m/%Y")],
        ["Heure d’export", now.strftime("%H:%M")],
        [],
    ]
    if filters:
        rows.extend([label, value] for label, value in filters)
    else:
        rows.append(["Filtres", "Aucun"])
    rows.append([])
    return rows


def rows(queryset, *, with_names: bool) -> Iterator[list[Cell]]:
    for activity in queryset.iterator(chunk_size=CSV_CHUNK):
        yield activity_row(activity, with_names=with_names)


def shows_names(membership) -> bool:
    """The site's team sees its people's names; a network admin gets file numbers only."""
    return membership.role != Role.NETWORK_ADMIN
