"""The reply deadline of a public help request (docs/decisions/0024-help-requests-and-transfers.md).

A person who asks for help on the public site is answered within two working days: the
request is due at the end of the second working day after the one it arrived on (Monday to
Friday; a request of Friday evening is due on Tuesday). Public holidays are not counted
out yet: they arrive with the opening-hours calendar.
"""

import datetime

HELP_REQUEST_REPLY_WORKING_DAYS = 2


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """``day`` moved ``count`` working days (Monday to Friday) forward."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def help_request_due_on(received_on: datetime.date) -> datetime.date:
    return add_working_days(received_on, HELP_REQUEST_REPLY_WORKING_DAYS)
