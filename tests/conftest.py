import pytest

from tests.accounts.factories import (
    FunderFactory,
    MembershipFactory,
    NetworkFactory,
    PartnerFactory,
    SiteFactory,
)
from tests.core import journal_flush
from tests.core.security import stopwatch
from tisser.accounts.enums import Role

journal_flush.install()

# Fixtures that give a test the database; a test without any of them (nor a django_db
# mark) does not depend on the database engine and runs in the SQLite pass only.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}
)


# --- The time budget of the generated security modules (tests/core/security/stopwatch.py) ---
# Here rather than in that package's conftest: under pytest-xdist the controller process
# collects nothing, so only this conftest is loaded there to add up the workers' figures.


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    yield from stopwatch.timed_protocol(item)


def pytest_sessionfinish(session):
    if stopwatch.is_xdist_worker(session.config):
        stopwatch.to_worker_output(session.config)
    elif stopwatch.over_budget() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller: a worker finished; add its share of the budget."""
    stopwatch.add_worker_output(getattr(node, "workeroutput", {}))


def pytest_terminal_summary(terminalreporter):
    for line in stopwatch.summary_lines():
        terminalreporter.write_line(line)
    over = stopwatch.over_budget()
    if over:
        terminalreporter.write_line(
            f"FAILED: over the {stopwatch.BUDGET_SECONDS} s CPU budget: {over}", red=True, bold=True
        )


# Packages whose tests share data built once per package and process (an outer transaction
# rolled back after the package): under pytest-xdist with --dist loadgroup (make test), each
# runs whole on one worker, so the data is built once rather than once per worker.
SHARED_DATA_GROUPS = {
    "tests/core/security/": "security-world",
    "tests/demo/shared/": "demo-ci",
}


# tryfirst: pytest-xdist's worker appends the group to the test ids in its own
# pytest_collection_modifyitems, which would otherwise run before this one and see no mark.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark database-independent tests, which `make test-postgres` leaves to the SQLite pass,
    and group the tests of the packages that share their data (SHARED_DATA_GROUPS)."""
    with_xdist = config.pluginmanager.hasplugin("xdist")
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") is None and not fixtures & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.db_independent)
        if with_xdist:
            for prefix, group in SHARED_DATA_GROUPS.items():
                if item.nodeid.startswith(prefix):
                    item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session", autouse=True)
def _imports_dir(tmp_path_factory):
    """Uploaded lists wait for confirmation in files (IMPORTS_DIR, var/imports by default):
    each test process gets a folder of its own, so parallel workers (pytest-xdist), whose
    databases hand out the same ids, never read or delete each other's files."""
    from django.conf import settings

    missing = object()
    before = getattr(settings, "IMPORTS_DIR", missing)
    settings.IMPORTS_DIR = tmp_path_factory.mktemp("imports")
    yield
    if before is missing:
        del settings.IMPORTS_DIR
    else:
        settings.IMPORTS_DIR = before


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits, TOTP replay guards and counters live in the cache, decoded people sets
    in the process (``set_cache``): start each test clean, whatever ran before it."""
    from django.core.cache import cache

    from tisser.reporting import set_cache

    cache.clear()
    set_cache.cache().clear()
    yield
    cache.clear()
    set_cache.cache().clear()


@pytest.fixture
def network(db):
    return NetworkFactory()


@pytest.fixture
def site(network):
    return SiteFactory(network=network)


@pytest.fixture
def other_site(network):
    return SiteFactory(network=network)


@pytest.fixture
def partner(network):
    return PartnerFactory(network=network)


@pytest.fixture
def funder(network):
    return FunderFactory(network=network)


def make_member(organisation, role):
    return MembershipFactory(organisation=organisation, role=role)


@pytest.fixture
def member_factory(db):
    """Build a member of an organisation with a role: ``member_factory(site, Role.MEDIATOR)``."""
    return make_member


@pytest.fixture
def mediator(site):
    return make_member(site, Role.MEDIATOR)


@pytest.fixture
def network_admin(network):
    return make_member(network, Role.NETWORK_ADMIN)


@pytest.fixture
def login(client):
    """Sign a membership's user in on the test client, bypassing the second-factor step.

    A user that must use two-factor authentication (any of their memberships has a role in
    ``ROLES_REQUIRING_TWO_FACTOR``) gets an enrolled TOTP unless ``with_totp=False``.
    """
    from allauth.mfa.models import Authenticator

    from tisser.accounts.middleware import user_needs_two_factor as user_must_enrol

    def do_login(membership, *, with_totp=True):
        user = membership.user
        if with_totp and user_must_enrol(user):
            Authenticator.objects.get_or_create(
                user=user,
                type=Authenticator.Type.TOTP,
                defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
            )
        client.force_login(user)
        session = client.session
        session["current_membership_id"] = membership.pk
        session.save()
        return client

    return do_login


@pytest.fixture
def fake_clock():
    """``tisser.core.clock`` answers a clock the test moves by hand (``set``, ``advance``)."""
    from tests.core.fake_clock import FakeClock
    from tisser.core import clock

    with clock.manual_clock() as manual:
        fake = FakeClock(manual)
        yield fake
