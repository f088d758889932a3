# The referral world (a site's team, a partner, outsiders) serves the team's home and agenda.
from tests.referrals.conftest import world  # noqa: F401
