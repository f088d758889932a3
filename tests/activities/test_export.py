"""The export in the national tool's layout (reference-lists §1.5), opened with openpyxl."""

import csv
import datetime
import html
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.activities.conftest import individual, workshop
from tests.beneficiaries.factories import BeneficiaryFactory
from tisser.activities import export, services
from tisser.core import clock
from tisser.core.models import JournalEntry

MOMENT = datetime.datetime(2026, 3, 12, 15, 5, tzinfo=datetime.UTC)  # 16:05 in Paris
EXPECTED_COLUMNS = [
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
]


@pytest.fixture
def recorded(team, person):
    team.mediator.user.first_name, team.mediator.user.last_name = "Inès", "Moreau"
    team.mediator.user.save()
    team.site.name, team.site.postal_code, team.site.city = "Espace Gare", "67000", "Strasbourg"
    team.site.save()
    with clock.frozen_at(MOMENT - datetime.timedelta(hours=2)):
        procedure = services.activity_create(
            actor=team.mediator,
            data=individual(
                date=datetime.date(2026, 3, 9),
                participants=[person],
                anonymous_count=0,
                anonymous_counts={},
                themes=["aide_aux_demarches_administratives", "email"],
                procedure_themes=["social_sante"],
                operator="caf",
                procedure_name="Prime d'activité",
                equipment=["ordinateur", "telephone"],
                autonomy="partiellement_autonome",
                redirected=True,
                redirection_target="aide_sociale",
                notes='=HYPERLINK("http://example.org")',
            ),
        )
        group = services.activity_create(
            actor=team.mediator,
            data=workshop(
                date=datetime.date(2026, 3, 10),
                participants=[
                    BeneficiaryFactory(site=team.site, first_name="Jean", last_name="Petit")
                ],
                equipment=["tablette"],
                redirected=False,
            ),
        )
        remote = services.activity_create(
            actor=team.mediator,
            data=individual(date=datetime.date(2026, 3, 11), place_type="a_distance"),
        )
    return procedure, group, remote


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Activités"]
    return workbook["Activités"]


def _values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_xlsx_follows_the_national_layout(team, recorded, login):
    client = login(team.mediator)
    with clock.frozen_at(MOMENT):
        response = client.get(reverse("activities:export"), {"kind": "", "date_from": "2026-03-01"})
    sheet = _sheet(response)
    rows = _values(sheet)

    # Metadata: title, then two-cell rows, an empty row, the filters, an empty row.
    assert rows[0][0] == "Informations export"
    assert [r[:2] for r in rows[1:7]] == [
        ["Nom", "Moreau"],
        ["Prénom", "Inès"],
        ["Rôle", "Médiateur numérique"],
        ["Total", 3],
        ["Date d’export", "12/03/2026"],
        ["Heure d’export", "16:05"],
    ]
    assert not any(rows[7])
    assert rows[8][:2] == ["Du", "01/03/2026"]
    assert not any(rows[9])
    header_row = 11
    assert rows[header_row - 1][: len(EXPECTED_COLUMNS)] == EXPECTED_COLUMNS
    # A filter button on each header cell, over the whole table.
    assert sheet.auto_filter.ref == f"A{header_row}:T{header_row + 3}"

    procedure, group, remote = (
        dict(zip(EXPECTED_COLUMNS, row, strict=True)) for row in rows[header_row:]
    )
    # Dates are real dates shown dd/mm/yyyy, oldest first.
    date_cell = sheet.cell(row=header_row + 1, column=1)
    assert (
        date_cell.value == datetime.datetime(2026, 3, 9) and date_cell.number_format == "DD/MM/YYYY"
    )
    assert procedure == {
        **procedure,
        "Type": "Accompagnement individuel",
        "Nombre de participants": 1,
        "Bénéficiaire": "Awa Diallo",
        "Canaux d’accompagnement": "Lieu d'activité",
        "Lieu": "Espace Gare, 67000 Strasbourg",
        "Durée (min)": 30,
        "Matériel numérique utilisé": "Ordinateur\nTéléphone",
        "Thématique(s) d’accompagnement": "E-mail\nAide aux démarches administratives\nSocial - Santé",
        "Tags": "CAF",
        "Nom de la démarche administrative": "Prime d'activité",
        "Niveau d’autonomie (ou de l’atelier)": "2/3",
        "Bénéficiaire réorienté": "Oui",
        "Structure de redirection": "Structure d'aide sociale",
        "Commune de résidence du bénéficiaire": "67100 Strasbourg",
        "Genre du bénéficiaire": "Non communiqué",
        "Tranche d’âge du bénéficiaire": "25 - 39 ans",
        "Statut du bénéficiaire": "En emploi",
        # Formula-safe: the text stays text.
        "Notes supplémentaires": '\'=HYPERLINK("http://example.org")',
    }
    assert group["Type"] == "Atelier collectif"
    assert group["Nombre de participants"] == 6
    assert group["Bénéficiaire"] == "Jean Petit\n5 anonymes"
    assert group["Nom de l’atelier"] == "Déjouer les arnaques"
    assert group["Niveau d’autonomie (ou de l’atelier)"] == "1/3"
    assert group["Bénéficiaire réorienté"] == "Non"
    assert group["Commune de résidence du bénéficiaire"] == "-"
    assert group["Genre du bénéficiaire"] == "Masculin : 1\nFéminin : 4\nNon communiqué : 1"
    assert group["Statut du bénéficiaire"] == "Retraité : 3\nNon communiqué ou hétérogène : 3"
    assert group["Durée (min)"] == 120
    assert remote["Lieu"] == "67000 Strasbourg"
    assert remote["Bénéficiaire"] == "Anonyme"
    assert remote["Bénéficiaire réorienté"] in (None, "")
    assert remote["Tranche d’âge du bénéficiaire"] == "60 - 69 ans"
    # Line breaks show: cells wrap and sit at the top of their row.
    cell = sheet.cell(row=header_row + 1, column=9)
    assert cell.alignment.wrap_text and cell.alignment.vertical == "top"


def test_the_export_is_journaled_with_its_filters(team, recorded, login):
    login(team.mediator).get(reverse("activities:export"), {"theme": "securite_numerique"})
    [entry] = JournalEntry.objects.filter(action="activity.exported")
    assert entry.payload == {
        "format": "xlsx",
        "rows": 1,
        "filters": {"theme": "securite_numerique"},
    }
    assert entry.site_id == team.site.pk


def test_the_filters_narrow_the_export_and_show_in_its_header(team, recorded, login):
    response = login(team.mediator).get(
        reverse("activities:export"), {"operator": "caf", "kind": "individuel"}
    )
    rows = _values(_sheet(response))
    assert rows[4][:2] == ["Total", 1]
    assert ["Type", "Accompagnement individuel"] in [r[:2] for r in rows[8:10]]
    assert ["Organisme", "CAF"] in [r[:2] for r in rows[8:10]]


def test_the_csv_streams_the_same_layout(team, recorded, login):
    response = login(team.mediator).get(reverse("activities:export"), {"format": "csv"})
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Informations export"]
    assert rows[4] == ["Total", "3"]
    header = rows.index(EXPECTED_COLUMNS)
    assert rows[header + 1][0] == "09/03/2026"
    assert rows[header + 2][3] == "Jean Petit\n5 anonymes"


def test_a_network_admin_gets_file_numbers_not_names(team, recorded, login, person):
    rows = _values(_sheet(login(team.admin).get(reverse("activities:export"))))
    assert person.file_number in [row[3] for row in rows]
    assert not any("Awa" in str(value) for row in rows for value in row)


def test_an_export_too_big_for_excel_is_refused_with_a_french_message(
    team, recorded, login, monkeypatch
):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 2)
    response = login(team.mediator).get(reverse("activities:export"), follow=True)
    assert "c'est trop pour un fichier Excel" in html.unescape(response.content.decode())
    assert not JournalEntry.objects.filter(action="activity.exported").exists()


def test_another_sites_records_are_not_exported(team, recorded, login):
    rows = _values(_sheet(login(team.other_mediator).get(reverse("activities:export"))))
    assert rows[4][:2] == ["Total", 0]
