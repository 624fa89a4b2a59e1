"""The stewardship checks reported beside the quality score (../shared/quality.md):
the review is up to date, the resource was updated as its frequency promises, and every hosted
file still matches its checksum. Dates are compared with today, so nothing here is stored
except the inputs (next_review_on and update_due_on on write, file results by `catalog verify`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..extensions import db
from ..i18n import N_
from ..models import FileCheck, Resource


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    ok: bool | None  # None: does not apply
    detail: str = ""


def resource_checks(resource: Resource, today: date | None = None) -> list[Check]:
    """The three checks for one resource (one query, for its hosted files' last results)."""
    today = today or date.today()
    checks = []
    due = resource.next_review_on
    checks.append(
        Check(
            "review",
            N_("Revisión al día"),
            None if due is None else due >= today,
            due.isoformat() if due else "",
        )
    )
    promised = resource.update_due_on
    checks.append(
        Check(
            "updated",
            N_("Actualizado según su frecuencia"),
            None if promised is None else promised >= today,
            promised.isoformat() if promised else "",
        )
    )
    hosted = [d for d in resource.distributions if d.file_key]
    if not hosted:
        checks.append(Check("files", N_("Archivos íntegros"), None))
    else:
        results = dict(
            db.session.execute(
                db.select(FileCheck.distribution_id, FileCheck.ok).where(
                    FileCheck.distribution_id.in_([d.id for d in hosted])
                )
            ).all()
        )
        # a file without a checksum, or whose last re-hash failed, is not intact; one not yet
        # re-hashed counts as intact (its checksum was measured when it was stored)
        intact = all(d.checksum_sha256 and results.get(d.id, True) for d in hosted)
        checks.append(Check("files", N_("Archivos íntegros"), intact, str(len(hosted))))
    return checks


def outcome_code(checks: list[Check]) -> str:
    """The checks' outcomes in a few letters (part of the page's ETag)."""
    return "".join({True: "y", False: "n", None: "x"}[c.ok] for c in checks)
