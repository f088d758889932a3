"""Importing a list of people to refer (CSV or XLSX): read, check, preview, then confirm.

One module per job:

- :mod:`.reading` — the file: its kind (by content, not by name), encoding, delimiter and
  the columns, found by their French headers;
- :mod:`.rows` — checking every row and turning it into referral fields (``parse_file``);
- :mod:`.store` — the temporary file of parsed rows under ``var/imports/`` (one day);
- :mod:`.scope` — who may import, on behalf of which partner, to which spaces;
- :mod:`.preview` — what confirming would do, row by row (writes nothing);
- :mod:`.services` — ``import_prepare`` and ``import_confirm``, the two writes.

See docs/decisions/0007-imports.md.
"""
