"""``{% load figures_tags %}``: a dashboard table's rows as (heading, text) pairs, so each
cell carries its column's name on a phone (``data-label``)."""

from django import template

from tisser.reporting.dashboard_types import Shown, Table

register = template.Library()


def text(cell) -> str:
    return cell.text if isinstance(cell, Shown) else str(cell)


@register.filter
def labelled_rows(table: Table) -> list[list[tuple[str, str]]]:
    return [
        [
            (table.header[index] if index < len(table.header) else "", text(cell))
            for index, cell in enumerate(row)
        ]
        for row in table.rows
    ]
