"""Who is acting, and what they may do (per-entity authorisation)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Conflict, Forbidden
from ..models import ROLE_ADMIN, Publisher, Resource, User


@dataclass(frozen=True)
class Actor:
    """A user (web), a token (API) or the system (CLI), with its roles per publisher id."""

    label: str
    user_id: int | None = None
    token_id: int | None = None
    is_admin: bool = False
    roles: dict[int, str] = field(default_factory=dict)
    source_id: int | None = None  # a harvest run acting for this source

    @classmethod
    def system(cls, label: str = "sistema") -> Actor:
        return cls(label=label, is_admin=True)

    @classmethod
    def for_user(cls, user: User) -> Actor:
        return cls(
            label=user.email,
            user_id=user.id,
            is_admin=user.is_admin,
            roles={m.publisher_id: m.role for m in user.memberships},
        )

    def role_for(self, publisher: Publisher) -> str | None:
        """The strongest role held on this publisher or any publisher above it."""
        best = None
        node: Publisher | None = publisher
        while node is not None:
            role = self.roles.get(node.id)
            if role == ROLE_ADMIN:
                return ROLE_ADMIN
            best = best or role
            node = node.parent
        return best

    def can_edit(self, publisher: Publisher) -> bool:
        return self.is_admin or self.role_for(publisher) is not None

    def can_manage(self, publisher: Publisher) -> bool:
        return self.is_admin or self.role_for(publisher) == ROLE_ADMIN

    def require_edit(self, publisher: Publisher) -> None:
        if not self.can_edit(publisher):
            raise Forbidden(
                f"No tiene permiso para modificar recursos de «{publisher.display_name}»."
            )

    def require_write(self, resource: Resource) -> None:
        """May change this resource: authorised for its publisher, and not a resource another
        portal publishes (harvested ones are written only by their source's runs)."""
        self.require_edit(resource.publisher)
        record = resource.harvest
        if record is not None and record.source_id != self.source_id:
            source = record.source
            raise Conflict(
                f"Este recurso se cosecha de «{source.name}» ({source.url}): modifíquelo en la "
                "fuente; la próxima cosecha traerá el cambio.",
                harvested_from=source.url,
            )

    def require_manage(self, publisher: Publisher) -> None:
        if not self.can_manage(publisher):
            raise Forbidden(f"Solo un administrador de «{publisher.name}» puede hacer esto.")

    @property
    def publisher_ids(self) -> set[int]:
        return set(self.roles)
