"""``{% load beneficiary_tags %}``: a row of the file search, drawn in Python.

The search page draws 25 rows; as template code each row cost a ``reverse()``, four
``{% translate %}`` and two filters, a third of the page (docs/decisions/0018, third round).
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from tisser.core.links import id_url

register = template.Library()


@register.simple_tag
def file_row(file):
    """One ``<tr>`` of beneficiaries/search.html: ``file`` is a row of ``beneficiary_search``
    (``ROW_COLUMNS`` and ``site_name``)."""
    merged = (
        format_html('<br><span class="badge badge-warn">{}</span>', gettext("Fusionné"))
        if file.merged_into_id
        else ""
    )
    return format_html(
        "<tr>\n"
        '      <td data-label="{}"><a href="{}">{} {}</a>\n'
        "        {}</td>\n"
        '      <td data-label="{}">{}</td>\n'
        '      <td data-label="{}">{}</td>\n'
        '      <td data-label="{}">{}</td>\n'
        "    </tr>",
        gettext("Personne"),
        id_url("beneficiaries:detail", file.pk),
        file.last_name.upper(),
        file.first_name,
        merged,
        gettext("Dossier"),
        file.file_number,
        gettext("Année de naissance"),
        file.birth_year or "—",
        gettext("Espace"),
        file.site_name,
    )
