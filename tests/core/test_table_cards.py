"""Every table of the app becomes cards on a phone: the shared pattern is applied everywhere.

The pattern (tisser.css): ``<table class="table-cards">`` and, on every body cell,
``data-label`` naming its column, shown above the value when rows turn into cards.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "tisser"
# Tables that do not turn into cards, and why.
NOT_CARDS = {
    # The two-column retention table of the privacy page fits a phone as it is.
    "website/templates/website/privacy.html",
}
TEMPLATES = sorted(
    path
    for path in ROOT.rglob("*.html")
    if "<table" in path.read_text()
    and str(path.relative_to(ROOT)) not in NOT_CARDS
    # Printouts (``pdf/``) are A4 pages drawn by WeasyPrint, never a phone's screen.
    and path.parent.name != "pdf"
)


def test_the_check_sees_the_list_templates():
    names = {str(path.relative_to(ROOT)) for path in TEMPLATES}
    assert {
        "referrals/templates/referrals/partner_list.html",
        "referrals/templates/referrals/inbox.html",
        "beneficiaries/templates/beneficiaries/search.html",
        "accounts/templates/accounts/member_list.html",
    } <= names


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_table_turns_into_cards_with_labelled_cells(path):
    text = path.read_text()
    for table in re.findall(r"<table[^>]*>.*?</table>", text, flags=re.S):
        opening = table[: table.index(">") + 1]
        assert "table-cards" in opening, opening
        body = table.split("</thead>", 1)[-1]
        for cell in re.findall(r"<td(?=[\s>])[^>]*>", body):
            assert "data-label=" in cell or "colspan=" in cell, cell


def test_the_inbox_rows_drawn_in_python_label_their_cells():
    source = (ROOT / "referrals" / "templatetags" / "referral_tags.py").read_text()
    row = source[source.index("def _inbox_row") :]
    row = row[: row.index("\n@register")] if "\n@register" in row else row
    # Each cell's label is a placeholder (``{}``) or a label escaped once per page
    # (``{words.…}``, decision 0018, fifth round).
    assert row.count("<td") == row.count('<td data-label="{') == 6
