"""The reply deadline of a public help request (docs/decisions/0024-help-requests-and-transfers.md).

A person who asks for help on the public site is answered within two working days: the
request is due at the end of the second working day after the one it arrived on (Monday to
Friday, public holidays of the space's place excepted: a request of Friday evening is due on
Tuesday, one of the Thursday before Good Friday in Strasbourg on the Tuesday after Easter).
"""

import datetime

from tisser.core.holidays import holiday_name

HELP_REQUEST_REPLY_WORKING_DAYS = 2


def add_working_days(day: datetime.date, count: int, *, postal_code: str = "") -> datetime.date:
    """``day`` moved ``count`` working days forward: Monday to Friday, not a public holiday
    (Alsace-Moselle's two extra days for a postal code there)."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and holiday_name(day, postal_code=postal_code) is None:
            count -= 1
    return day


def help_request_due_on(received_on: datetime.date, *, postal_code: str = "") -> datetime.date:
    """The reply day of a help request received on ``received_on`` by a space at
    ``postal_code``."""
    return add_working_days(received_on, HELP_REQUEST_REPLY_WORKING_DAYS, postal_code=postal_code)
