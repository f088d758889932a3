"""gunicorn's settings for `make serve` and the systemd unit (docs/operations.md).

Read from the environment through config.env, like the Django settings:
BIND, WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS,
FORWARDED_ALLOW_IPS. Started as ``gunicorn -c config/gunicorn.py``.
"""

import os

from config.env import env_int, env_str

wsgi_app = "config.wsgi:application"
# Loopback by default: the reverse proxy (nginx) faces the clients.
bind = [env_str("BIND") or "127.0.0.1:8000"]
# One process per core: requests are mostly database and template work under the GIL.
workers = env_int("WEB_CONCURRENCY", os.cpu_count() or 1)
threads = env_int("GUNICORN_THREADS", 1)
# A request that takes longer than this is killed (PostgreSQL's statement_timeout is 30 s).
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Recycle a process now and then so that a slow leak never grows (jitter: not all at once).
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# The addresses whose X-Forwarded-Proto gunicorn believes (the reverse proxy).
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS") or "127.0.0.1,::1"
accesslog = "-"
# The answering process (pid) in each line: which of the N processes served a request.
access_log_format = '%(h)s pid=%(p)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
# No control socket in the home directory: two instances on one host would share its path.
control_socket_disable = True
# Each process opens its own database connections: no preloading across the fork.
preload_app = False
