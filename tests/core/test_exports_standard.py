"""The CSV dialect of data standards (issue 16): comma, no byte order mark, ISO dates and
decimal points — and formula cells still neutralised."""

import datetime
from decimal import Decimal

from tisser.core.exports import STANDARD_CSV, csv_text


def test_a_standard_csv_is_written_for_programs_not_for_french_excel():
    text = csv_text(
        ["nom", "date_maj", "latitude", "actif"],
        [["Espace, Gare", datetime.date(2026, 3, 9), Decimal("48.5845"), True]],
        dialect=STANDARD_CSV,
    )
    assert text == 'nom,date_maj,latitude,actif\r\n"Espace, Gare",2026-03-09,48.5845,true\r\n'


def test_a_standard_csv_still_neutralises_formulas():
    text = csv_text(["nom"], [['=HYPERLINK("http://x")'], ["-7.25"]], dialect=STANDARD_CSV)
    assert text.splitlines()[1] == '"\'=HYPERLINK(""http://x"")"'
    # A plain negative number (a longitude) is left as it is.
    assert text.splitlines()[2] == "-7.25"
