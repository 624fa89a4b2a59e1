"""User accounts: creation, password hashing (Argon2id) and memberships."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import Invalid
from ..extensions import db
from ..models import ROLES, Membership, User
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
