#!/usr/bin/env python3
"""Production smoke test: `make serve` on PostgreSQL and Redis, driven over HTTP.

What it proves (issue 7's acceptance, run by .ci/run after the PostgreSQL suite):
  1. a fresh PostgreSQL database migrates under the production settings;
  2. `make serve` starts gunicorn (2 processes), the task worker and the scheduler loop with
     config.settings.prod, behind an emulated reverse proxy (X-Forwarded-Proto: https and
     X-Forwarded-For, TRUSTED_PROXY_HEADER/COUNT);
  3. public pages, a static file (WhiteNoise) and the health check answer;
  4. the demo partner referrer signs in (password + TOTP) and sends a referral, the demo site
     manager signs in (password + TOTP) and accepts it, and the worker writes the person's
     SMS to the file backend;
  5. the help form's per-address limit (5 an hour) holds across the gunicorn processes: of
     six requests from one visitor the sixth is 429, another visitor is still served, and a
     forged X-Forwarded-For entry does not give the first one a new identity;
  6. the scheduler ran its jobs;
  7. Ctrl-C/TERM stops every process that `make serve` started.

Environment:
  DATABASE_URL   a PostgreSQL URL whose database name contains "smoke": DROPPED and recreated
  REDIS_URL      a scratch Redis database (not db 0): FLUSHED at the start
  SMOKE_MAKE_ARGS  extra arguments for `make serve` (e.g. BIN=… STAMP=… outside CI)
  SMOKE_PYTHON     the interpreter for manage.py (default .venv/bin/python)
  SMOKE_DEADLINE_SECONDS  the whole run's deadline (default 480)

Every request has a timeout, the whole script a deadline, and every process it started is
stopped at the end, on failure too. Exit status 0 only when every check passed.
"""

import base64
import contextlib
import datetime
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = os.environ.get("SMOKE_PYTHON") or str(ROOT / ".venv" / "bin" / "python")
DEADLINE_SECONDS = int(os.environ.get("SMOKE_DEADLINE_SECONDS", "480"))
REQUEST_TIMEOUT = 30
COMMAND_TIMEOUT = 240
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # enrolled through the ORM for the two demo logins
PROXY_ADDRESS = "127.0.0.1"  # the emulated nginx: every request comes from loopback
PERSON_PHONE = "06 12 34 99 77"
PERSON_E164 = "+33612349977"


class SmokeFailure(Exception):
    pass


class DeadlineReached(Exception):
    pass


def say(message: str) -> None:
    print(f"smoke: {message}", flush=True)


# --- setup: database, Redis, demo data -------------------------------------------------------


def require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise SmokeFailure(f"{name} is required (see the docstring of {Path(__file__).name}).")
    return value


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if "smoke" not in name:
        raise SmokeFailure(f"refusing to drop {name!r}: the database name must contain 'smoke'.")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_timeout=10)
    if client.connection_pool.connection_kwargs.get("db", 0) == 0:
        raise SmokeFailure("refusing to flush Redis db 0: give REDIS_URL a scratch db (/14).")
    client.flushdb()


def manage(*args: str, env: dict[str, str], input_text: str | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise SmokeFailure(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}"
        )
    return result.stdout


ORM_SETUP = f"""
import json
from allauth.mfa.models import Authenticator
from tisser.accounts import demo
from tisser.accounts.enums import Role
from tisser.accounts.models import Site, User

logins = {{login.role: login.email for login in demo.LOGINS}}
users = {{role: User.objects.get(email=logins[role]) for role in (Role.PARTNER_REFERRER, Role.SITE_MANAGER)}}
for user in users.values():
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={{"secret": "{TOTP_SECRET}"}})
print(json.dumps({{
    "referrer": users[Role.PARTNER_REFERRER].email,
    "manager": users[Role.SITE_MANAGER].email,
    "password": demo.DEMO_PASSWORD,
    "site": Site.objects.get(name=demo.STRASBOURG_SITE).pk,
}}))
"""

ORM_REFERRAL = f"""
import json
from tisser.referrals.models import Referral
from tisser.core.models import ScheduledJob
referral = Referral.objects.filter(phone="{PERSON_E164}").order_by("-pk").first()
print(json.dumps({{
    "pk": referral.pk if referral else None,
    "status": referral.status if referral else None,
    "jobs_run": ScheduledJob.objects.filter(finished_at__isnull=False).count(),
}}))
"""


def orm(script: str, env: dict[str, str]) -> dict:
    output = manage("shell", "--no-imports", env=env, input_text=script)
    return json.loads(output.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- HTTP: a small browser ---------------------------------------------------------------------


class FormParser(HTMLParser):
    """The hidden inputs of every form, the stylesheet links, and the page's h1."""

    def __init__(self):
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.hidden.setdefault(attributes["name"], attributes.get("value") or "")
        if tag == "link" and attributes.get("rel") == "stylesheet" and attributes.get("href"):
            self.stylesheets.append(attributes["href"])


def parse(html: str) -> FormParser:
    parser = FormParser()
    parser.feed(html)
    return parser


class Browser:
    """One visitor: its cookies (Secure ones too: the emulated proxy speaks HTTPS to it) and
    the address the proxy appends to X-Forwarded-For."""

    def __init__(self, port: int, address: str, forged: str | None = None):
        self.port = port
        self.address = address
        self.forged = forged
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | list | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        forwarded = f"{self.forged}, {self.address}" if self.forged else self.address
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": forwarded,
            "Referer": f"https://127.0.0.1{path}",
            "Connection": "close",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value in ('""', ""):
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = cookie_value
        return response, content

    def get(self, path: str):
        return self.request("GET", path)

    def submit(self, path: str, data: dict):
        """GET the form page, then POST the data with its hidden fields (CSRF token)."""
        response, page = self.get(path)
        expect(response.status == 200, f"GET {path} answered {response.status}")
        fields = {**parse(page).hidden, **data}
        return self.request("POST", path, fields)

    def sign_in(self, email: str, password: str, code) -> None:
        response, _ = self.submit("/compte/login/", {"login": email, "password": password})
        location = response.getheader("Location", "")
        expect(
            response.status == 302 and "/compte/2fa/authenticate/" in location,
            f"{email}: the password step answered {response.status} {location!r}",
        )
        response, _ = self.submit("/compte/2fa/authenticate/", {"code": code()})
        location = response.getheader("Location", "")
        expect(
            response.status == 302 and "/2fa/" not in location,
            f"{email}: the TOTP step answered {response.status} {location!r}",
        )
        response, _ = self.get("/espace-pro/")
        expect(response.status == 200, f"{email}: the staff home answered {response.status}")


def form_errors(page: str) -> str:
    """The error messages of a re-rendered form, for a failure message."""
    found = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', page, flags=re.DOTALL)
    return "; ".join(re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found)[:800]


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def totp_code() -> str:
    import hashlib
    import hmac
    import struct
    from base64 import b32decode

    period = 30
    if period - time.time() % period < 2:  # never a code about to expire in flight
        time.sleep(2.5)
    counter = int(time.time()) // period
    digest = hmac.new(b32decode(TOTP_SECRET), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


# --- the run ---------------------------------------------------------------------------------


class Smoke:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.server: subprocess.Popen | None = None
        self.server_log: Path | None = None
        self.workdir = Path(tempfile.mkdtemp(prefix="tisser-smoke-"))
        self.sms_dir = self.workdir / "sms"

    def check(self, name: str, function) -> None:
        started = time.monotonic()
        try:
            function()
        except SmokeFailure as failure:
            self.failed += 1
            say(f"FAIL {name}: {failure}")
            raise
        self.passed += 1
        say(f"ok   {name} ({time.monotonic() - started:.1f} s)")

    def run(self) -> None:
        database_url = require_env("DATABASE_URL")
        redis_url = require_env("REDIS_URL")
        self.port = free_port()
        base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
        self.prod_env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": "smoke-test-secret-key-" + os.urandom(16).hex(),
            "VOUCHER_CODE_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
            "VOUCHER_FINGERPRINT_KEY": "smoke-fingerprint-" + os.urandom(16).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SMS_BACKEND": "tisser.notifications.sms.FileSmsBackend",
            "SMS_FILE_PATH": str(self.sms_dir),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "TRUSTED_PROXY_HEADER": "X-Forwarded-For",
            "TRUSTED_PROXY_COUNT": "1",
            "PUBLIC_BASE_URL": "https://127.0.0.1",
        }
        self.dev_env = {
            **{k: v for k, v in base.items() if k not in {"REDIS_URL", "CACHE_URL"}},
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url,
        }

        def prepare():
            recreate_database(database_url)
            flush_redis(redis_url)
            manage("migrate", "--no-input", "-v", "0", env=self.prod_env)
            manage("seed_demo", "--profile", "ci", env=self.dev_env)
            self.accounts = orm(ORM_SETUP, self.dev_env)

        self.check("fresh PostgreSQL migrated (prod settings), ci demo seeded", prepare)
        self.check("make serve: gunicorn x2, worker and scheduler up", self.start_server)
        self.check("public pages, static file and health check", self.public_pages)
        self.check("referrer signs in (TOTP) and sends a referral", self.send_referral)
        self.check("site manager signs in (TOTP) and accepts it", self.accept_referral)
        self.check("the worker wrote the person's SMS", self.sms_written)
        self.check("help form: 6th request of one visitor is 429 across processes", self.limit)
        self.check("the scheduler ran its jobs", self.scheduler_ran)
        self.check("TERM stops gunicorn, the worker and the scheduler", self.stop_server)

    # -- server ---------------------------------------------------------------------------

    def start_server(self):
        self.server_log = self.workdir / "serve.log"
        make_args = shlex.split(os.environ.get("SMOKE_MAKE_ARGS", ""))
        command = [
            "make",
            "--no-print-directory",
            "serve",
            "WEB_CONCURRENCY=2",
            f"BIND=127.0.0.1:{self.port}",
            *make_args,
        ]
        say(f"starting: {' '.join(command)} (log: {self.server_log})")
        with self.server_log.open("w") as log:
            self.server = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.prod_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as one at the end
            )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            expect(self.server.poll() is None, f"make serve exited:\n{self.log_tail()}")
            try:
                response, body = Browser(self.port, "198.51.100.1").get("/sante/")
                if response.status == 200:
                    expect(body == "ok", f"/sante/ said {body!r}")
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise SmokeFailure(f"no answer on port {self.port} after 120 s:\n{self.log_tail()}")
        booted = set(re.findall(r"Booting worker with pid: (\d+)", self.log_text()))
        expect(len(booted) == 2, f"expected 2 gunicorn processes, saw {sorted(booted)}")

    def log_text(self) -> str:
        return self.server_log.read_text(errors="replace") if self.server_log else ""

    def log_tail(self) -> str:
        return "\n".join(self.log_text().splitlines()[-40:])

    def stop_server(self):
        if self.server is None:
            return
        group = self.server.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        try:
            self.server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.server.wait(timeout=10)
            self.server = None
            raise SmokeFailure("make serve did not stop within 40 s of TERM (killed)") from None
        self.server = None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.5)
        os.killpg(group, signal.SIGKILL)
        raise SmokeFailure("processes of make serve outlived it by 20 s (killed)")

    # -- pages ------------------------------------------------------------------------------

    def public_pages(self):
        visitor = Browser(self.port, "198.51.100.2")
        for path in (
            "/",
            "/espaces/",
            "/espaces/strgar/",
            "/demander-de-l-aide/",
            "/compte/login/",
        ):
            response, page = visitor.get(path)
            expect(response.status == 200, f"GET {path} answered {response.status}")
            expect("<h1" in page, f"GET {path}: no <h1> in the page")
        response, _ = visitor.get("/espace-pro/")
        expect(response.status == 302, f"/espace-pro/ anonymously answered {response.status}")
        _, home = visitor.get("/")
        stylesheets = parse(home).stylesheets
        expect(bool(stylesheets), "the home page links no stylesheet")
        response, css = visitor.get(stylesheets[0])
        expect(response.status == 200, f"GET {stylesheets[0]} answered {response.status}")
        expect("{" in css, f"{stylesheets[0]} is empty")
        expect(
            "immutable" in (response.getheader("Cache-Control") or ""),
            f"{stylesheets[0]} is not served by WhiteNoise with a hashed name",
        )
        response, body = visitor.get("/sante/")
        expect((response.status, body) == (200, "ok"), f"/sante/: {response.status} {body!r}")
        expect(not response.getheader("Set-Cookie"), "/sante/ set a cookie")

    def send_referral(self):
        referrer = Browser(self.port, "198.51.100.3")
        referrer.sign_in(self.accounts["referrer"], self.accounts["password"], totp_code)
        response, page = referrer.submit(
            "/espace-pro/orientations/nouvelle/",
            {
                "first_name": "Mireille",
                "last_name": "Fumée",
                "birth_year": "1979",
                "phone": PERSON_PHONE,
                "email": "",
                "preferred_channel": "sms",
                "postal_code": "67000",
                "commune": "Strasbourg",
                "social_status": "sans_emploi",
                "is_jobseeker": "yes",
                "needs": ["equipment", "skills"],
                "reason": "Souhaite apprendre à faire ses démarches en ligne.",
                "site": str(self.accounts["site"]),
                "notice_given": "on",
                "action": "submit",
            },
        )
        expect(
            response.status == 302,
            f"sending the referral answered {response.status}: {form_errors(page)}",
        )
        state = orm(ORM_REFERRAL, self.dev_env)
        expect(state["status"] == "submitted", f"the referral is {state['status']!r}")
        self.referral_pk = state["pk"]

    def accept_referral(self):
        manager = Browser(self.port, "198.51.100.4")
        manager.sign_in(self.accounts["manager"], self.accounts["password"], totp_code)
        day = datetime.date.today() + datetime.timedelta(days=3)
        response, page = manager.submit(
            f"/espace-pro/orientations/{self.referral_pk}/accepter/",
            {"date": day.isoformat(), "time": "14:30", "place": "Salle 2, 1 rue de la Gare"},
        )
        expect(response.status == 302, f"accepting answered {response.status}: {form_errors(page)}")
        state = orm(ORM_REFERRAL, self.dev_env)
        expect(state["status"] == "accepted", f"the referral is {state['status']!r}")

    def sms_written(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for path in self.sms_dir.glob("*.txt") if self.sms_dir.exists() else []:
                text = path.read_text(encoding="utf-8")
                if f"To: {PERSON_E164}" in text and "14h30" in text.replace(" ", "").replace(
                    ":", "h"
                ):
                    appointment = next(x for x in text.splitlines() if "Rendez-vous" in x)
                    say(f"     {path.name}: {appointment[:100]}")
                    return
            time.sleep(0.5)
        found = sorted(p.name for p in self.sms_dir.glob("*.txt")) if self.sms_dir.exists() else []
        raise SmokeFailure(f"no SMS to {PERSON_E164} with the appointment after 60 s: {found}")

    def limit(self):
        """Six help requests from one visitor: five pass, the sixth is 429, whichever of
        the two processes answers; the first five go two at a time so both processes serve."""
        before = len(self.log_text().splitlines())

        def help_request(visitor: Browser, n: int, results: list):
            response, _ = visitor.submit(
                "/demander-de-l-aide/",
                {
                    "first_name": "Awa",
                    "phone": f"06 12 34 98 {n:02d}",
                    "email": "",
                    "postal_code": "67000",
                    "needs": ["equipment"],
                    "site": "",
                    "consent": "on",
                    "site_web": "",
                },
            )
            results.append(response.status)

        one = "203.0.113.50"
        statuses: list[int] = []
        for pair in ((1, 2), (3, 4), (5,)):
            threads = [
                threading.Thread(target=help_request, args=(Browser(self.port, one), n, statuses))
                for n in pair
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=REQUEST_TIMEOUT + 5)
        expect(sorted(statuses) == [302] * 5, f"the first five answered {statuses}")
        sixth: list[int] = []
        help_request(Browser(self.port, one), 6, sixth)
        expect(sixth == [429], f"the sixth answered {sixth}")
        forged: list[int] = []
        help_request(Browser(self.port, one, forged="192.0.2.99"), 7, forged)
        expect(forged == [429], f"with a forged X-Forwarded-For entry: {forged}")
        other: list[int] = []
        help_request(Browser(self.port, "203.0.113.51"), 8, other)
        expect(other == [302], f"another visitor behind the same proxy answered {other}")
        lines = self.log_text().splitlines()[before:]
        posts = [line for line in lines if '"POST /demander-de-l-aide/' in line]
        pids = sorted(set(re.findall(r"pid=<(\d+)>", "\n".join(posts))))
        say(f"     help-form POSTs answered by gunicorn processes {pids}")
        expect(len(pids) == 2, f"the POSTs were all served by one process: {pids}")

    def scheduler_ran(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if orm(ORM_REFERRAL, self.dev_env)["jobs_run"] > 0:
                return
            time.sleep(2)
        raise SmokeFailure("no periodic job finished within 60 s")


def on_deadline(signum, frame):
    raise DeadlineReached(f"the smoke test passed its {DEADLINE_SECONDS} s deadline")


def main() -> int:
    signal.signal(signal.SIGALRM, on_deadline)
    signal.alarm(DEADLINE_SECONDS)
    smoke = Smoke()
    started = time.monotonic()
    try:
        smoke.run()
    except SmokeFailure:
        pass
    except DeadlineReached as reached:
        smoke.failed += 1
        say(f"FAIL {reached}")
    except Exception as error:  # an unexpected error is a failure with its message
        smoke.failed += 1
        say(f"FAIL unexpected {type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
        if smoke.server is not None:
            try:
                smoke.stop_server()
            except SmokeFailure as failure:
                say(f"cleanup: {failure}")
            if smoke.failed:
                say(f"last lines of the server log:\n{smoke.log_tail()}")
        shutil.rmtree(smoke.workdir, ignore_errors=True)
    say(f"{smoke.passed} passed, {smoke.failed} failed in {time.monotonic() - started:.0f} s")
    return 1 if smoke.failed else 0


if __name__ == "__main__":
    sys.exit(main())
