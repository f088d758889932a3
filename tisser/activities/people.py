"""Who an activity is about: the person of an appointment, and the §1.4 attributes of a file.

The appointment's person is read in ONE function (``appointment_person``): the appointment's
own file (booked from a file, or a referral's once the person has one), else its referral's.
"""

from __future__ import annotations

import datetime

from tisser.activities.enums import AGE_BAND_FLOORS, AgeBand, BeneficiaryStatus, Gender


def appointment_person(appointment):
    """The file of the person the appointment is for, or None (not yet known)."""
    beneficiary = getattr(appointment, "beneficiary", None)
    if beneficiary is not None:
        return beneficiary
    referral = getattr(appointment, "referral", None)
    return referral.beneficiary if referral is not None else None


def appointment_person_field() -> str:
    """The ``select_related`` path from an appointment to its person's file."""
    return "beneficiary"


def age_band(birth_year: int | None, on: datetime.date) -> str:
    """The band of §1.4, derived from the year of birth (never typed); unknown without one.

    With only a year, the age is the one reached during the year of ``on``.
    """
    if not birth_year:
        return AgeBand.NON_COMMUNIQUE
    age = on.year - birth_year
    for floor, band in AGE_BAND_FLOORS:
        if age >= floor:
            return band
    return AgeBand.NON_COMMUNIQUE


def file_attributes(beneficiary, on: datetime.date) -> dict[str, str]:
    """Age band, status and gender of a file, as §1.4 codes (a file records no gender)."""
    status = beneficiary.social_status
    return {
        "age": age_band(beneficiary.birth_year, on),
        "status": status
        if status in BeneficiaryStatus.values
        else BeneficiaryStatus.NON_COMMUNIQUE,
        "gender": Gender.NON_COMMUNIQUE,
    }
