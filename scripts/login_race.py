"""The login race: parallel wrong-password logins at two gunicorn hosts on one PostgreSQL database.

Starts two gunicorn servers (two sync workers each) on 127.0.0.1, both on the same database,
creates one account, then fires ``--attempts`` wrong-password logins at once, alternating
between the hosts (each attempt first fetches the login page for its CSRF token, then all
POSTs are released together). Every password hash check the servers make is appended to a
file, so the script reports how many checks the attempts got against the per-account limit.

    .venv/bin/python scripts/login_race.py --database-url postgresql://postgres@127.0.0.1/DB

``--repo`` runs the servers from another checkout (to compare with an older version). The
per-address limit is raised for the run, so the per-account limit is the one measured.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "race@example.org"
PASSWORD = "the right password, never sent"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def counting_app():
    """The WSGI app, with every password hash check appended to $LOGIN_RACE_CHECKS."""
    import werkzeug.security

    from tracker import create_app

    path = os.environ["LOGIN_RACE_CHECKS"]
    real = werkzeug.security.check_password_hash

    def counting(stored: str, password: str) -> bool:
        with open(path, "a", encoding="utf-8") as log:  # one short append per check
            log.write(f"{os.getpid()}\n")
        return real(stored, password)

    import tracker.auth.forms as forms
    import tracker.models.accounts as accounts

    # Wherever the checked-out version checks a hash (login form or User.check_password).
    for module in (forms, accounts):
        if hasattr(module, "check_password_hash"):
            module.check_password_hash = counting
    return create_app()


def prepare(repo: Path, env: dict) -> None:
    """Migrate the database, create the account, forget earlier failures."""
    code = f"""
from flask_migrate import upgrade
from sqlalchemy import delete, select
from tracker import create_app
from tracker.extensions import db
from tracker.models import LoginFailure, User
import secrets
app = create_app()
with app.app_context():
    upgrade()
    db.session.execute(delete(LoginFailure))
    user = db.session.scalar(select(User).where(User.email == {EMAIL!r}))
    if user is None:
        user = User(email={EMAIL!r}, role="researcher", display_name="Race",
                    session_token=secrets.token_hex(16))
        db.session.add(user)
    user.set_password({PASSWORD!r})
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], cwd=repo, env=env, check=True)


def start_host(repo: Path, port: int, env: dict) -> subprocess.Popen:
    """A gunicorn host with two sync workers."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--pythonpath",
        f"{repo},{ROOT / 'scripts'}",
        "--log-level",
        "warning",
        "login_race:counting_app()",
    ]
    return subprocess.Popen(command, cwd=repo, env=env)


def wait_until_up(port: int) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10).read()
            return
        except OSError:  # refused while starting, or a timeout
            time.sleep(0.2)
    raise SystemExit(f"the host on port {port} did not start")


def attempt(port: int, start: threading.Barrier, results: list, index: int) -> None:
    """Fetch the login page, wait for the others, post a wrong password."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/login", timeout=30).read().decode()
    token = TOKEN.search(page).group(1)
    body = urllib.parse.urlencode(
        {"email": EMAIL, "password": f"wrong {secrets.token_hex(4)}", "csrf_token": token}
    ).encode()
    start.wait()
    try:
        response = opener.open(f"http://127.0.0.1:{port}/login", data=body, timeout=60)
        results[index] = response.status
    except urllib.error.HTTPError as error:
        results[index] = error.code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--ports", type=int, nargs=2, default=(5311, 5312))
    parser.add_argument("--attempts", type=int, default=40)
    parser.add_argument("--repo", type=Path, default=ROOT)
    args = parser.parse_args()
    checks_file = Path(tempfile.mkstemp(prefix="login-race-", suffix=".log")[1])
    env = {
        **os.environ,
        "TRACKER_ENV": "development",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_hex(32),  # shared by both hosts, like a real deployment
        "LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
        "LOGIN_RACE_CHECKS": str(checks_file),
    }
    repo = args.repo.resolve()
    prepare(repo, env)
    hosts = [start_host(repo, port, env) for port in args.ports]
    try:
        for port in args.ports:
            wait_until_up(port)
        checks_file.write_text("")
        start = threading.Barrier(args.attempts)
        results: list = [None] * args.attempts
        threads = [
            threading.Thread(target=attempt, args=(args.ports[index % 2], start, results, index))
            for index in range(args.attempts)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        checks = checks_file.read_text().split()
        limit = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"))
        print(f"code: {repo}")
        print(f"{args.attempts} parallel wrong-password logins over 2 hosts (ports {args.ports})")
        print(f"responses: {dict(sorted(Counter(results).items()))}")
        print(
            f"password checks: {len(checks)} (limit per account: {limit}) "
            f"in {len(set(checks))} worker processes"
        )
    finally:
        for host in hosts:
            host.send_signal(signal.SIGTERM)
        for host in hosts:
            host.wait(timeout=30)
        checks_file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
