"""Admin account management: create, change roles, deactivate, reactivate, reset passwords."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, AuthActions
from tracker.extensions import db
from tracker.models import AuditEvent, User


@pytest.fixture
def admin(app, make_user):
    """An admin logged in through the login page; ``admin.id`` is their user id."""
    actions = AuthActions(app.test_client())
    actions.id = make_user("admin@example.org", role="admin")
    actions.login("admin@example.org")
    return actions


def post(actions, path: str, page: str, **data):
    """POST a form of ``page`` with its CSRF token."""
    return actions.client.post(path, data={"csrf_token": actions.csrf_token(page), **data})


def temporary_password(response) -> str:
    """The temporary password shown on the page."""
    match = re.search(r"<code>([a-z0-9-]{24})</code>", response.get_data(as_text=True))
    assert match, "no temporary password on the page"
    return match.group(1)


def audit(app, user_id: int) -> list[tuple[str, str, dict]]:
    """(action, actor, changes) of the audit events about a user, oldest first."""
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "user", AuditEvent.entity_id == user_id)
            .order_by(AuditEvent.id)
        )
        return [(event.action, event.actor, event.changes) for event in events]


def user_state(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_users_page_lists_every_account(admin, make_user):
    make_user("ada@example.org", display_name="<b>Ada</b>")
    page = admin.client.get("/admin/users").get_data(as_text=True)
    assert "admin@example.org" in page and "ada@example.org" in page
    assert "&lt;b&gt;Ada&lt;/b&gt;" in page and "<b>Ada</b>" not in page


def test_create_user_gives_a_temporary_password_that_must_be_changed(app, admin):
    response = post(
        admin,
        "/admin/users/new",
        "/admin/users/new",
        email="New.Person@Example.org",
        display_name="New Person",
        role="researcher",
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = temporary_password(response)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
        assert user.role == "researcher" and user.must_change_password
        user_id = user.id
    assert audit(app, user_id)[0][:2] == ("create", "admin@example.org")

    newcomer = AuthActions(app.test_client())
    login = newcomer.login("new.person@example.org", password)
    assert login.headers["Location"] == "/account/password"
    # The first login says so: not "your password was reset".
    page = newcomer.client.get("/account/password").get_data(as_text=True)
    assert "Welcome, New Person: this is your first login." in page
    assert "reset" not in page
    # Every page leads back to the change page until the password is changed.
    assert newcomer.client.get("/").headers["Location"] == "/account/password"
    changed = post(
        newcomer,
        "/account/password",
        "/account/password",
        current_password=password,
        new_password="my own long passphrase",
        confirm_password="my own long passphrase",
    )
    assert changed.headers["Location"] == "/manage/"  # on to the work: the records
    assert newcomer.client.get("/").status_code == 200
    assert not user_state(app, user_id).must_change_password
    assert audit(app, user_id)[-1][0] == "password_change"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("admin@example.org", "There is already an account with the email admin@example.org."),
        ("not-an-email", "Enter an email address like name@example.org."),
        ("", "Enter the email address."),
    ],
)
def test_create_user_explains_a_bad_email(app, admin, email, message):
    response = post(admin, "/admin/users/new", "/admin/users/new", email=email, role="admin")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    with app.app_context():
        assert len(db.session.scalars(select(User)).all()) == 1


def test_role_change_is_audited(app, admin, make_user):
    user_id = make_user("r@example.org")
    page = f"/admin/users/{user_id}"
    response = post(admin, f"{page}/role", page, role="admin")
    assert response.headers["Location"] == page
    assert "r@example.org is now admin" in admin.client.get(page).get_data(as_text=True)
    action, actor, changes = audit(app, user_id)[-1]
    assert (action, actor) == ("role_change", "admin@example.org")
    assert changes["role"] == {"before": "researcher", "after": "admin"}


def test_deactivate_and_reactivate(app, admin, make_user):
    user_id = make_user("r@example.org")
    page = f"/admin/users/{user_id}"
    post(admin, f"{page}/deactivate", page)
    assert not user_state(app, user_id).is_active_account
    researcher = AuthActions(app.test_client())
    assert researcher.login("r@example.org").status_code == 401
    assert "deactivated" in admin.client.get("/admin/users").get_data(as_text=True)
    post(admin, f"{page}/reactivate", page)
    assert researcher.login("r@example.org").status_code == 302
    actions = [event[0] for event in audit(app, user_id)]
    assert actions[-2:] == ["deactivate", "reactivate"]


def test_reset_password_replaces_the_old_one(app, admin, make_user):
    user_id = make_user("r@example.org")
    page = f"/admin/users/{user_id}"
    response = post(admin, f"{page}/reset-password", page)
    password = temporary_password(response)
    researcher = AuthActions(app.test_client())
    assert researcher.login("r@example.org", PASSWORD).status_code == 401
    assert researcher.login("r@example.org", password).headers["Location"] == "/account/password"
    action, _, changes = audit(app, user_id)[-1]
    assert action == "password_reset"
    assert changes["password_hash"] == {"before": None, "after": "(changed)"}
    assert changes["must_change_password"] == {"before": False, "after": True}
    history = admin.client.get(page).get_data(as_text=True)
    assert "password reset" in history and "scrypt" not in history


def test_last_active_admin_can_be_neither_demoted_nor_deactivated(app, admin, make_user):
    other_id = make_user("other-admin@example.org", role="admin", is_active_account=False)
    own = f"/admin/users/{admin.id}"
    response = post(admin, f"{own}/role", own, role="researcher")
    assert "This is the last active admin account." in admin.client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert user_state(app, admin.id).role == "admin"
    # A second admin, once active, can be demoted; then the first is the last one again.
    other = f"/admin/users/{other_id}"
    post(admin, f"{other}/reactivate", other)
    post(admin, f"{other}/role", other, role="researcher")
    assert user_state(app, other_id).role == "researcher"
    post(admin, f"{own}/role", own, role="researcher")
    assert user_state(app, admin.id).role == "admin"


def test_last_admin_rule_holds_in_the_service_too(app, make_user):
    from tracker.services.accounts import manage as accounts

    admin_id = make_user("a@example.org", role="admin")
    other_id = make_user("b@example.org", role="admin")
    with app.app_context():
        first, second = db.session.get(User, admin_id), db.session.get(User, other_id)
        accounts.deactivate(second, first)
        with pytest.raises(accounts.AccountError, match="last active admin"):
            accounts.change_role(first, "researcher")
        with pytest.raises(accounts.AccountError, match="last active admin"):
            accounts.deactivate(first, second)


def test_admin_cannot_deactivate_themselves(app, admin, make_user):
    make_user("second-admin@example.org", role="admin")
    own = f"/admin/users/{admin.id}"
    response = post(admin, f"{own}/deactivate", own)
    page = admin.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    assert user_state(app, admin.id).is_active_account


def test_unknown_user_is_404(admin):
    assert admin.client.get("/admin/users/9999").status_code == 404


def test_researcher_sees_no_admin_link_and_gets_403(make_user, client, auth):
    make_user()
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert "Admin" not in page and "Change password" in page
    assert client.get("/admin/users").status_code == 403


def test_admin_sees_the_admin_link(admin):
    assert 'href="/admin/users">Admin</a>' in admin.client.get("/").get_data(as_text=True)
