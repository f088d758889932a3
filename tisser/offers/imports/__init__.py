"""Bulk receipt of devices or voucher codes from a CSV or XLSX file, with a preview.

- :mod:`.rows` — the columns of each kind, reading the file (:mod:`tisser.core.tabular`,
  shared with the referral imports) and checking every row; writes nothing.
- :mod:`.store` — the parsed rows kept one day for the preview (codes encrypted).
- :mod:`.services` — prepare (an unconfirmed ``StockImport`` and its stored rows), preview
  (rows to create, already in stock, repeated in the file, problems) and confirm (the
  receipt itself, through ``offers.receipts``, one journal entry).
"""
