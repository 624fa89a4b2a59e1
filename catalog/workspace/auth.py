"""Signing in and out, the current actor, and the password page.

Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure under https). A user's id in
the session carries their session nonce, so changing the password or deactivating the account
ends every other session; signing in starts from an empty session (no fixation).
"""

from __future__ import annotations

import secrets
from functools import wraps
from urllib.parse import unquote, urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..errors import CatalogError, Forbidden, Invalid, error_response
from ..extensions import db
from ..models import User
from ..services import accounts, throttle
from ..services.actors import Actor
from . import bp

login_manager = LoginManager()
login_manager.login_view = "workspace.sign_in"
login_manager.login_message = "Ingrese para continuar."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    ident, _, nonce = user_id.partition(":")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        expired = "expired" in (error.description or "")
        message = (
            "El formulario caducó (lleva abierto más de lo permitido por seguridad). "
            if expired
            else "El formulario no trae un código de seguridad (CSRF) válido. "
        ) + "Vuelva al formulario, que se cargará de nuevo, y envíelo otra vez."
        refused = CatalogError(message, retry=request.path if is_local_path(request.path) else None)
        refused.status, refused.code = 400, "csrf"
        return error_response(refused)

    @app.after_request
    def _private(response):
        # workspace pages are personal: never cached by a shared cache
        if request.path.startswith("/publicar"):
            response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def current_actor() -> Actor:
    """The signed-in user as an Actor (roles per publisher)."""
    return Actor.for_user(current_user)


def admin_required(view):
    """Only the catalog's administrators (Secretaría General)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            raise Forbidden("Solo un administrador del catálogo puede ver esta página.")
        return view(*args, **kwargs)

    return wrapped


def is_local_path(target: str | None) -> bool:
    """A path on this site and nothing else: no scheme, no host, no protocol-relative `//` or
    `/\\` (browsers read both as another host), no control characters (CR/LF would split
    the header), also after one more round of percent-decoding."""
    if not target or len(target) > 2000:
        return False
    for candidate in (target, unquote(target)):
        if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
            return False
        if "\\" in candidate or any(ord(c) < 0x20 or ord(c) == 0x7F for c in candidate):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return False
    return True


def _safe_next(target: str | None) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if is_local_path(target):
        return str(target)
    return url_for("workspace.dashboard")


class SignInForm(FlaskForm):
    email = EmailField("Correo electrónico", validators=[DataRequired("Escriba su correo.")])
    password = PasswordField(
        "Contraseña", validators=[DataRequired("Escriba su contraseña."), Length(max=500)]
    )


class PasswordForm(FlaskForm):
    current = PasswordField("Contraseña actual", validators=[DataRequired("Obligatorio.")])
    new = PasswordField("Nueva contraseña", validators=[DataRequired("Obligatorio.")])
    confirm = PasswordField("Repita la nueva contraseña", validators=[DataRequired("Obligatorio.")])


def _too_many(wait: int):
    refused = CatalogError(
        "Demasiados intentos fallidos de ingreso desde esta dirección. "
        f"Espere {max(1, round(wait / 60))} minuto(s) e intente de nuevo."
    )
    refused.status, refused.code = 429, "too_many_requests"
    response = error_response(refused)
    if isinstance(response, Response):
        response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/ingresar", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = SignInForm()
    status = 200
    if request.method == "POST":
        key = throttle.hashed("ingreso", request.remote_addr or "?")
        seconds = current_app.config["CATALOG_SIGNIN_WINDOW_SECONDS"]
        wait = throttle.retry_after(key, current_app.config["CATALOG_SIGNIN_LIMIT"], seconds)
        if wait is not None:
            return _too_many(wait)
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            throttle.count(key, seconds)
        if user is not None:
            session.clear()  # a fresh session: nothing from before signing in survives
            login_user(user)
            flash(f"Bienvenido(a), {user.name or user.email}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = [
            "Correo o contraseña incorrectos, o cuenta bloqueada temporalmente "
            "por varios intentos fallidos."
        ]
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("workspace/sign_in.html", form=form), status


@bp.post("/salir")
@login_required
def sign_out():
    # end the session on the server too: a copy of the cookie taken before is worthless now
    current_user.session_nonce = secrets.token_hex(16)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Cerró su sesión.", "info")
    return redirect(url_for("public.home"))


@bp.route("/cuenta", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current.data, form.new.data, form.confirm.data
            )
        except Invalid as error:
            for name, messages in error.fields.items():
                getattr(form, name).errors = list(messages)
            status = 422
        else:
            login_user(current_user)  # the session carries the new nonce
            flash("Contraseña cambiada. Las demás sesiones abiertas se cerraron.", "success")
            return redirect(url_for("workspace.account"))
    elif request.method == "POST":
        status = 422
    return render_template("workspace/account.html", form=form), status
