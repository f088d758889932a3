"""The ``ci`` demo profile: the two spaces of the demo logins, every login."""

from tisser.accounts import demo
from tisser.accounts.models import Membership, Site


def test_ci_profile_has_the_two_spaces_of_the_demo_logins_and_every_login(demo_ci):
    sites = Site.objects.filter(network=demo_ci.network.network)
    assert sorted(sites.values_list("short_code", flat=True)) == ["PARBEL", "STRGAR"]
    for login in demo.LOGINS:
        assert Membership.objects.filter(user__email=login.email).exists()
    assert demo_ci.network.sites == 2
