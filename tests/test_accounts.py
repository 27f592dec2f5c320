"""Accounts: the CLI creates users, who then log in through the login page."""

from urllib.parse import unquote

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tracker.extensions import db
from tracker.models import User


def test_users_create_with_password_stdin_then_login_works(app, runner, client, auth):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Ada@Example.org",
            "--role",
            "admin",
            "--name",
            "Ada",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role, user.display_name) == ("ada@example.org", "admin", "Ada")
        assert user.password_hash.startswith("scrypt:")
    response = auth.login("ada@example.org", PASSWORD)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Ada" in page and "Log out" in page


def test_users_create_prompts_twice_without_stdin(app, runner):
    result = runner.invoke(
        args=["users", "create", "bo@example.org", "--role", "researcher"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert PASSWORD not in result.output


def test_users_create_refuses_short_passwords_and_duplicates(app, runner, make_user):
    short = runner.invoke(
        args=["users", "create", "c@example.org", "--role", "researcher", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0
    assert "at least 12 characters" in short.output
    make_user("d@example.org")
    duplicate = runner.invoke(
        args=["users", "create", "d@example.org", "--role", "researcher", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert duplicate.exit_code != 0
    assert "already exists" in duplicate.output


def test_wrong_password_gets_one_generic_message(make_user, auth):
    make_user("e@example.org")
    wrong = auth.login("e@example.org", "not the password at all")
    unknown = auth.login("nobody@example.org", "not the password at all")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Email or password is incorrect." in response.get_data(as_text=True)


def test_login_keeps_next_only_for_local_paths(make_user, client, auth):
    make_user("f@example.org")
    token = auth.csrf_token()
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": "f@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"
    auth.logout()
    token = auth.csrf_token()
    response = client.post(
        "/login?next=/processes/x",
        data={"email": "f@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/processes/x"


@pytest.mark.parametrize("target", ["//[evil.example", "/x?y=//[", "https://[::1/"])
def test_login_with_a_malformed_next_still_logs_in_safely(make_user, client, auth, target):
    make_user("h@example.org")
    token = auth.csrf_token()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "h@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    expected = target if target.startswith("/x") else "/"  # only the local path is kept
    assert unquote(response.headers["Location"]) == expected


def test_logout_needs_post_and_ends_the_session(make_user, client, auth):
    make_user("g@example.org")
    auth.login("g@example.org")
    assert client.get("/logout").status_code == 405
    auth.logout()
    assert "Log in" in client.get("/").get_data(as_text=True)
