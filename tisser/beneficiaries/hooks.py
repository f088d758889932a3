"""What the beneficiaries app announces to higher apps (see tisser.core.hooks)."""

from tisser.core import hooks

PERIOD_OPENED = hooks.declare(
    "period.opened",
    "An accompaniment period of a file opened. Payload: actor (membership, or None for the "
    "system), period.",
)
PERIOD_CLOSED = hooks.declare(
    "period.closed",
    "An accompaniment period closed with a reason (exit diagnostics and surveys attach to "
    "it). Payload: actor (membership, or None for the idle job), period.",
)
BENEFICIARY_MERGED = hooks.declare(
    "beneficiary.merged",
    "A duplicate file was merged into the kept one (every linked row now points to the kept "
    "file, or still to the duplicate, whose merged_into is set). Subscribers mark stale the "
    "figures drawn from the records of either file (decision 0055). Payload: actor "
    "(membership), kept, duplicate.",
)
BENEFICIARY_ANONYMISED = hooks.declare(
    "beneficiary.anonymised",
    "A file was anonymised: names, contacts and free text erased, the records the statistics "
    "use kept. Subscribers erase their own free text and copies of the person's names and "
    "contacts on the rows linked to the file or to the files merged into it (decision 0055). "
    "Payload: actor (membership), beneficiary, file_ids (the file and its merged duplicates).",
)
