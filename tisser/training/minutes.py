"""The one rule for a session's minutes and the minutes an attendance counts, as SQL
expressions (docs/decisions/0054): the cohort's hours list and certificates (hours.py) and
the programme dashboard (reporting.py) both sum them.

Present counts the session's minutes; late counts them less the minutes missed; excused and
absent count nothing.
"""

from django.db.models import Case, F, Func, IntegerField, Value, When

from tisser.training.enums import AttendanceStatus


class Minutes(Func):
    """Whole minutes from one datetime column to another, in SQL (PostgreSQL, SQLite)."""

    output_field = IntegerField()

    def as_sql(  # type: ignore[override]
        self, compiler, connection, function=None, template=None, arg_joiner=None, **extra
    ):
        start, end = self.get_source_expressions()
        start_sql, start_params = compiler.compile(start)
        end_sql, end_params = compiler.compile(end)
        if connection.vendor == "sqlite":
            sql = f"CAST(ROUND((julianday({end_sql}) - julianday({start_sql})) * 1440) AS INTEGER)"
        else:
            sql = f"CAST(ROUND(EXTRACT(EPOCH FROM ({end_sql} - {start_sql})) / 60) AS INTEGER)"
        return sql, (*end_params, *start_params)


def session_minutes(prefix: str = "") -> Minutes:
    """The minutes of a session (``prefix``: the path to a ``CohortSession``, e.g.
    ``"session__"`` from an attendance)."""
    return Minutes(F(f"{prefix}starts_at"), F(f"{prefix}ends_at"))


def attended_minutes(prefix: str = "") -> Case:
    """The minutes an attendance row counts (``prefix``: the path to an ``Attendance``):
    present = the session's minutes, late = the session's minutes less the minutes missed,
    excused and absent = 0."""
    length = session_minutes(f"{prefix}session__")
    return Case(
        When(**{f"{prefix}status": AttendanceStatus.PRESENT}, then=length),
        When(
            **{f"{prefix}status": AttendanceStatus.LATE},
            then=length - F(f"{prefix}minutes_missed"),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def excused_minutes(prefix: str = "") -> Case:
    """The minutes of an excused absence (``prefix``: the path to an ``Attendance``), shown
    apart from the minutes attended."""
    return Case(
        When(
            **{f"{prefix}status": AttendanceStatus.EXCUSED},
            then=session_minutes(f"{prefix}session__"),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
