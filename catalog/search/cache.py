"""Search outcomes remembered per catalog state (repeated searches skip the database work).

Every write to a resource appends a revision, which moves the catalog-wide chain head, and
stamps the resource's updated_at; the pair names the state of the catalog in two index
lookups. An outcome (total, facet counts, the page's ids) is kept under that state, so a write
makes every remembered outcome unreachable. Labels (publisher names, vocabularies) are not
remembered: they are read on every request.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import ChainHead, Resource

LIMIT = 256


@dataclass(frozen=True)
class Outcome:
    total: int
    counts: dict[str, Counter]  # facet → value → resources
    ids: tuple[int, ...]  # the page, in order


_outcomes: OrderedDict[Hashable, Outcome] = OrderedDict()
_lock = threading.Lock()


def catalog_state() -> tuple:
    """A value that changes with every write to the catalog's resources."""
    head = select(ChainHead.hash).where(ChainHead.id == 1).scalar_subquery()
    newest = select(func.max(Resource.updated_at)).scalar_subquery()
    row = db.session.execute(select(head, newest)).one()
    return (db.engine.url.render_as_string(), row[0], row[1])


def remembered(key: Hashable, compute: Callable[[], Outcome]) -> Outcome:
    """The outcome for `key` (which must include catalog_state()), computed at most once."""
    with _lock:
        outcome = _outcomes.get(key)
        if outcome is not None:
            _outcomes.move_to_end(key)
            return outcome
    outcome = compute()
    with _lock:
        _outcomes[key] = outcome
        while len(_outcomes) > LIMIT:
            _outcomes.popitem(last=False)
    return outcome


def forget() -> None:
    """Drop every remembered outcome (benchmarks measure cold searches this way)."""
    with _lock:
        _outcomes.clear()
