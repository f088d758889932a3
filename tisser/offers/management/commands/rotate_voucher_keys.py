"""Re-encrypt every voucher code with the first key of VOUCHER_CODE_KEYS (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from tisser.core.errors import DomainError
from tisser.offers.vouchers import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every voucher code with the first key of VOUCHER_CODE_KEYS, in batches. "
        "Idempotent and resumable: run it again after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--after-id", type=int, default=0, help="resume after this voucher id (optional)"
        )

    def handle(self, *args, batch_size, after_id, **options):
        if not 1 <= batch_size <= 50_000:
            raise CommandError("--batch-size must be between 1 and 50000.")

        def progress(last_id, counts):
            if options["verbosity"] >= 2:
                self.stdout.write(f"… up to voucher {last_id}: {counts}")

        try:
            counts = rotate_keys(batch_size=batch_size, after_id=after_id, progress=progress)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"Done: {counts}."))
