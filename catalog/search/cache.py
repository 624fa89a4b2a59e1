"""Search outcomes remembered per database state (repeated searches skip the database work).

The state is the database's generation (catalog.database.count_generations): a counter every
committed write moves on, from any process. An outcome (total, facet counts, the page's ids) is
kept under it, so a write makes every remembered outcome unreachable. Labels (publisher names,
vocabularies) are not remembered: they are read on every request.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from ..database import generation
from ..extensions import db

LIMIT = 256


@dataclass(frozen=True)
class Outcome:
    total: int
    counts: dict[str, Counter]  # facet → value → resources
    ids: tuple[int, ...]  # the page, in order


_outcomes: OrderedDict[Hashable, Outcome] = OrderedDict()
_lock = threading.Lock()


def catalog_state() -> tuple:
    """A value that changes with every write to the database."""
    return (db.engine.url.render_as_string(), generation())


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
