"""The health check that load balancers and monitoring poll: ``GET /sante/``.

It answers 200 "ok" when this process reaches the database and the cache, else 503
"unavailable". The body never says which one failed nor why (the log does): the address is
public. No session, no cookie, no journal entry, no database transaction around it.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tisser.core.access import public

logger = logging.getLogger(__name__)
CACHE_KEY = "tisser:health"


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("the database answered SELECT 1 wrongly")


def _cache_answers() -> None:
    token = secrets.token_hex(8)
    cache.set(CACHE_KEY, token, timeout=30)
    if cache.get(CACHE_KEY) != token:
        raise RuntimeError("the cache did not give back what was just written")


@public
@require_safe
@never_cache
@transaction.non_atomic_requests
def health(request):
    for name, check in (("database", _database_answers), ("cache", _cache_answers)):
        try:
            check()
        except Exception:
            logger.exception("Health check: the %s does not answer.", name)
            return HttpResponse("unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
