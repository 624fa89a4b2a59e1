"""The catalog's own vocabulary, for "¿Quiso decir …?": every word of four letters or more in
the titles and keywords of published resources, folded (the key) with the form people read
(accents kept). Misspelt query words are matched by trigram similarity, the measure of
PostgreSQL's pg_trgm: there through its GIN index, on SQLite through a trigram table and the
same formula in Python. A suggestion is offered only when it finds published resources, so a
word that has since left the catalog is never proposed."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import text

from ..extensions import db
from ..models import PUBLISHED, Resource
from ..text import fold

MIN_LENGTH = 4
THRESHOLD = 0.3  # pg_trgm's default similarity_threshold
CANDIDATES = 5
_WORD = re.compile(rf"[^\W\d_]{{{MIN_LENGTH},40}}", re.UNICODE)


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: lowercase, two spaces before and one after."""
    padded = f"  {word.lower()} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all distinct trigrams of both words."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _prefer(current: str | None, candidate: str) -> bool:
    """Keep the written form with accents ("gestión" over "gestion")."""
    return current is None or (current.isascii() and not candidate.isascii())


def words_of(texts: Iterable[str]) -> dict[str, str]:
    """{folded word: the form to show} for the words of these texts."""
    out: dict[str, str] = {}
    for value in texts:
        for match in _WORD.finditer(value or ""):
            shown = match.group().lower()
            key = fold(shown)
            if _prefer(out.get(key), shown):
                out[key] = shown
    return out


def remember(resource: Resource) -> None:
    """Add a published resource's title and keyword words to the vocabulary."""
    if resource.status != PUBLISHED:
        return
    found = words_of([resource.title, *resource.keyword_list])
    if not found:
        return
    known: dict[str, str] = dict(
        db.session.execute(
            text("SELECT word, display FROM search_word WHERE word IN :words").bindparams(
                db.bindparam("words", expanding=True)
            ),
            {"words": sorted(found)},
        ).all()
    )
    new = {w: d for w, d in found.items() if w not in known}
    better = {
        w: d for w, d in found.items() if w in known and _prefer(known[w], d) and known[w] != d
    }
    if new:
        db.session.execute(
            text("INSERT INTO search_word (word, display) VALUES (:word, :display)"),
            [{"word": w, "display": d} for w, d in sorted(new.items())],
        )
        if db.engine.dialect.name == "sqlite":
            db.session.execute(
                text("INSERT INTO search_word_trigram (trigram, word) VALUES (:trigram, :word)"),
                [{"trigram": t, "word": w} for w in sorted(new) for t in sorted(trigrams(w))],
            )
    for word, shown in better.items():
        db.session.execute(
            text("UPDATE search_word SET display = :display WHERE word = :word"),
            {"word": word, "display": shown},
        )


def known(word: str) -> bool:
    """Is the folded word (or a longer word it begins) in the vocabulary?"""
    row = db.session.execute(
        text("SELECT 1 FROM search_word WHERE word >= :w AND word < :end LIMIT 1"),
        {"w": word, "end": word + "\uffff"},
    ).first()
    return row is not None


def closest(word: str) -> list[str]:
    """The vocabulary's words most like `word`, best first (shown forms)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
            {"t": str(THRESHOLD)},
        )
        found = db.session.execute(
            text(
                "SELECT word, display FROM search_word WHERE word % :w "
                "ORDER BY similarity(word, :w) DESC, word LIMIT :n"
            ),
            {"w": word, "n": CANDIDATES},
        ).all()
        rows = [(w, d) for w, d in found]
    else:
        grams = sorted(trigrams(word))
        near = db.session.execute(
            text(
                "SELECT w.word, w.display FROM search_word_trigram AS t "
                "JOIN search_word AS w ON w.word = t.word WHERE t.trigram IN :grams "
                "GROUP BY w.word, w.display ORDER BY count(*) DESC, w.word LIMIT 200"
            ).bindparams(db.bindparam("grams", expanding=True)),
            {"grams": grams},
        ).all()
        scored = [(similarity(w, word), w, d) for w, d in near]
        rows = [(w, d) for s, w, d in sorted(scored, key=lambda x: (-x[0], x[1])) if s >= THRESHOLD]
        rows = rows[:CANDIDATES]
    return [display for w, display in rows if w != word]
