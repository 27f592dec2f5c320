"""Admin views: parse the request, call the accounts service, render."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker.admin import bp
from tracker.admin.forms import ActionForm, CreateUserForm, RoleForm
from tracker.auth import keep_current_session
from tracker.extensions import db
from tracker.models import User
from tracker.permissions import require_account_manager
from tracker.services.accounts import manage as accounts


def _user_or_404(user_id: int) -> User:
    """The account with this id, after the object-level permission check."""
    user = db.session.get(User, user_id)
    require_account_manager(user)
    return user


def _temporary_password_page(user: User, password: str, created: bool):
    """Show a temporary password once; never cached, never put in the session or a URL."""
    page = render_template(
        "admin/temporary_password.html", user=user, password=password, created=created
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.get("/")
def index():
    """The admin home is the list of users."""
    return redirect(url_for("admin.users"))


@bp.get("/users")
def users():
    """Every account with its role and state."""
    return render_template("admin/users.html", users=accounts.all_users())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Create an account with a role; it gets a temporary password shown once."""
    form = CreateUserForm()
    if form.validate_on_submit():
        try:
            user, password = accounts.create_user(
                form.email.data, form.display_name.data or "", form.role.data
            )
        except accounts.AccountError as error:
            form.email.errors.append(str(error))
        else:
            return _temporary_password_page(user, password, created=True)
    status = 400 if form.is_submitted() else 200
    return render_template("admin/new_user.html", form=form), status


@bp.get("/users/<int:user_id>")
def user(user_id: int):
    """One account: change its role, deactivate or reactivate it, reset its password."""
    account = _user_or_404(user_id)
    role_form = RoleForm(role=account.role)
    return render_template(
        "admin/user.html",
        user=account,
        role_form=role_form,
        action_form=ActionForm(),
        history=accounts.account_history(account),
    )


@bp.post("/users/<int:user_id>/role")
def change_role(user_id: int):
    """Give an account another role; its sessions end."""
    account = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400, "Choose one of the roles offered.")
    try:
        changed = accounts.change_role(account, form.role.data)
    except accounts.AccountError as error:
        flash(str(error), "error")
    else:
        if changed:
            keep_current_session(account)
            flash(f"{account.email} is now {account.role}. Their sessions have ended.", "success")
    if not current_user.is_admin:
        return redirect(url_for("main.index"))
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int):
    """Deactivate an account; its sessions end at once."""
    account = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        accounts.deactivate(account, current_user._get_current_object())
    except accounts.AccountError as error:
        flash(str(error), "error")
    else:
        flash(f"{account.email} is deactivated and logged out everywhere.", "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int):
    """Let a deactivated account log in again."""
    account = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    accounts.reactivate(account)
    flash(f"{account.email} can log in again.", "success")
    return redirect(url_for("admin.user", user_id=account.id))


@bp.post("/users/<int:user_id>/reset-password")
def reset_password(user_id: int):
    """Give an account a temporary password that must be changed at the next login."""
    account = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    password = accounts.reset_password(account)
    keep_current_session(account)
    return _temporary_password_page(account, password, created=False)
