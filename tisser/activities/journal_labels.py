"""The activities app's journal actions and objects in plain French (``core/journal_labels``)."""

from django.utils.translation import gettext_lazy as _

from tisser.accounts.enums import Role
from tisser.activities.enums import ActivityKind, Theme
from tisser.activities.models import Activity
from tisser.core.dates import format_day
from tisser.core.journal_labels import DetailField, ObjectKind, ObjectName, integer_ids, page_url

ACTION_LABELS = {
    "activity.created": _("Activité enregistrée"),
    "activity.updated": _("Activité modifiée"),
    "activity.deleted": _("Activité supprimée"),
    "activity.viewed": _("Activité consultée"),
    "activity.exported": _("Activités exportées"),
}

DETAIL_FIELDS = {
    "activity.": {
        "kind": DetailField(_("type"), ActivityKind.choices),
        "themes": DetailField(_("thèmes"), Theme.choices),
        "participants": DetailField(_("participants")),
        "files": DetailField(_("dossiers n°")),
        "date": DetailField(_("date")),
        "author": DetailField(_("saisie par l'utilisateur n°")),
        "role": DetailField(_("rôle du lecteur"), Role.choices),
        "format": DetailField(_("format")),
        "rows": DetailField(_("lignes")),
        "filters": DetailField(_("filtres")),
        # Written by the roll call of a programme session or a workshop (decision 0054).
        "source": DetailField(_("appel de la séance ou de l'atelier")),
    },
}


def _activities(membership, ids):
    rows = Activity.objects.visible_to(membership).filter(pk__in=integer_ids(ids))
    return {
        str(row.pk): ObjectName(
            _("%(kind)s du %(date)s")
            % {"kind": row.get_kind_display(), "date": format_day(row.date)},
            page_url(membership, "activities:detail", row.pk),
        )
        for row in rows.only("pk", "kind", "date")
    }


OBJECT_KINDS = [ObjectKind("activities.activity", _("Activité"), _activities)]
