"""Provider of a test-only app: proves a new app adds timeline events without editing
tisser/core/timeline.py."""

import datetime

from tisser.core.timeline import TimelineEvent


def timeline_events(beneficiary):
    yield TimelineEvent(
        at=beneficiary.created_at + datetime.timedelta(days=3),
        kind="plugin.diagnostic",
        title="Diagnostic réalisé",
        detail=f"Dossier {beneficiary.file_number}",
        url="/diagnostic/1/",
    )
    yield TimelineEvent(
        at=beneficiary.created_at - datetime.timedelta(days=400),
        kind="plugin.old",
        title="Atelier ancien",
    )
