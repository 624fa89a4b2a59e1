"""User accounts: creation, password hashing (Argon2id) and memberships."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import selectinload

from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..models import ROLES, Membership, User, utcnow
from .actors import Actor
from .resources import find_publisher

_hasher = PasswordHasher()
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    """Check a password; rehash transparently when the parameters changed."""
    if not user.password_hash:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def create_user(
    *,
    email: str,
    password: str,
    name: str = "",
    is_admin: bool = False,
    publisher_slug: str | None = None,
    role: str = "editor",
) -> User:
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    if "@" not in email or len(email) > 254:
        errors["email"] = ["Correo electrónico no válido."]
    elif db.session.execute(db.select(User.id).where(User.email == email)).first():
        errors["email"] = ["Ya existe un usuario con ese correo."]
    if len(password) < MIN_PASSWORD:
        errors["password"] = [f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres."]
    if role not in ROLES:
        errors["role"] = ["Rol desconocido."]
    if errors:
        raise Invalid(errors)
    user = User(
        email=email, name=name.strip(), is_admin=is_admin, password_hash=hash_password(password)
    )
    if publisher_slug:
        user.memberships.append(Membership(publisher=find_publisher(publisher_slug), role=role))
    db.session.add(user)
    db.session.commit()
    return user


# ---------------------------------------------------------------- signing in

MAX_FAILURES = 5
LOCK_MINUTES = 15
# a real hash to verify against when the e-mail is unknown, so timing doesn't reveal accounts
_DUMMY_HASH = _hasher.hash("cuenta-inexistente")


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Five failures in a row lock the
    account for 15 minutes (the attempt is refused even with the right password).

    Every branch does the same work — one Argon2 verification and one commit — so the time
    taken does not tell an unknown e-mail from a locked, inactive or real account."""
    user = db.session.execute(
        db.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    now = utcnow()
    locked = user is not None and user.locked_until is not None and user.locked_until > now
    if user is None or locked or not user.active or not user.password_hash:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        if user is not None and not locked:
            _count_failure(user, now, timedelta(minutes=LOCK_MINUTES))
        db.session.commit()
        return None
    if not verify_password(user, password):
        _count_failure(user, now, timedelta(minutes=LOCK_MINUTES))
        db.session.commit()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.commit()
    return user


def _count_failure(user: User, now, lock_for) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + lock_for
        user.failed_logins = 0


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """Change a password; every other session of the user ends (new session nonce)."""
    errors: dict[str, list[str]] = {}
    if not verify_password(user, current):
        errors["current"] = ["La contraseña actual no es correcta."]
    if len(new) < MIN_PASSWORD:
        errors["new"] = [f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres."]
    elif new != confirm:
        errors["confirm"] = ["Las dos contraseñas nuevas no coinciden."]
    elif new == current:
        errors["new"] = ["La nueva contraseña debe ser distinta de la actual."]
    if errors:
        db.session.rollback()
        raise Invalid(errors)
    user.password_hash = hash_password(new)
    user.session_nonce = secrets.token_hex(16)
    db.session.commit()


def reset_password(email: str, new: str) -> User:
    """An operator sets a new password (`catalog user password`); every session ends and a
    lock-out from failed attempts is lifted."""
    user = db.session.execute(
        db.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        raise Invalid({"email": ["No existe un usuario con ese correo."]})
    if len(new) < MIN_PASSWORD:
        raise Invalid(
            {"password": [f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres."]}
        )
    user.password_hash = hash_password(new)
    user.session_nonce = secrets.token_hex(16)
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    return user


# ---------------------------------------------------------------- members of an entity


def add_member(publisher, email: str, role: str, actor, *, name: str = "", password: str = ""):
    """Give a person a role in a publisher (an entity admin's or the site admin's act).

    An unknown e-mail creates the account with the given initial password."""
    assert isinstance(actor, Actor)
    actor.require_manage(publisher)
    email = email.strip().lower()
    if role not in ROLES:
        raise Invalid({"role": ["Rol desconocido."]})
    user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        if not password:
            raise Invalid(
                {"password": ["La persona no tiene cuenta: indique una contraseña inicial."]}
            )
        return create_user(
            email=email, password=password, name=name, publisher_slug=publisher.slug, role=role
        )
    membership = next((m for m in user.memberships if m.publisher_id == publisher.id), None)
    if membership is None:
        user.memberships.append(Membership(publisher=publisher, role=role))
    else:
        membership.role = role
    db.session.commit()
    return user


def remove_member(publisher, user_id: int, actor) -> None:
    actor.require_manage(publisher)
    membership = db.session.execute(
        db.select(Membership).where(
            Membership.publisher_id == publisher.id, Membership.user_id == user_id
        )
    ).scalar_one_or_none()
    if membership is None:
        raise Invalid({"user": ["Esa persona no es miembro de esta entidad."]})
    if membership.user_id == actor.user_id and not actor.is_admin:
        raise Invalid({"user": ["No puede quitarse a sí mismo; pídalo a otro administrador."]})
    db.session.delete(membership)
    db.session.commit()


def members_of(publisher) -> list[Membership]:
    return list(
        db.session.execute(
            db.select(Membership)
            .where(Membership.publisher_id == publisher.id)
            .options(selectinload(Membership.user))
            .order_by(Membership.role, Membership.id)
        ).scalars()
    )


def set_user_flags(user_id: int, actor, *, active: bool, is_admin: bool) -> User:
    """Site administrators (de)activate accounts and grant the administrator role."""
    if not actor.is_admin:
        raise Forbidden("Solo un administrador del catálogo puede hacer esto.")
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No existe ese usuario.")
    if user.id == actor.user_id and (not active or not is_admin):
        raise Invalid({"user": ["No puede quitarse el rol de administrador ni desactivarse."]})
    if user.active and not active:
        user.session_nonce = secrets.token_hex(16)  # ends the person's sessions
    user.active, user.is_admin = active, is_admin
    db.session.commit()
    return user
