"""CKAN's `package_search` `q` and `fq`, read as the Lucene/Solr syntax they are.

Parsing is luqum's (a maintained Lucene grammar: AND/OR/NOT, `+`/`-`, phrases, groups,
field groups, ranges, wildcards); this module only turns its tree into SQL over the catalog.

Precedence follows what CKAN clients write and mean. ckanext-harvest's CKAN harvester joins its
terms with spaces — ``organization:a OR organization:b -groups:x metadata_modified:[… TO *]`` —
meaning *(a or b), not x, changed since*: terms side by side are all required (CKAN's `q.op`
is AND), ``OR`` binds the terms it stands between, ``AND`` binds tighter than ``OR``.

Fields are CKAN's names for what the catalog holds. Fields of CKAN's schema that every record
here satisfies are answered as CKAN would (``dataset_type:dataset``, ``state:active``,
``private:false``, ``capacity:public``: all; another value: none). A field CKAN's schema does not
have is CKAN's own 409 "Search Query Error" naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser
from sqlalchemy import and_, false, func, not_, or_, true

from ..extensions import db
from ..models import Distribution, Publisher, Resource, ResourceKeyword, ResourceTheme
from ..text import fold

MAX_QUERY = 2000  # characters: a query is a few terms, not a document
MAX_DEPTH = 40  # nesting of groups and operators


class QueryError(Exception):
    """A query CKAN would refuse: the message names the term or field."""


def parse(text: str) -> tree.Item:
    if len(text) > MAX_QUERY:
        raise QueryError(f"la consulta supera {MAX_QUERY} caracteres")
    try:
        return parser.parse(text)
    except (ParseError, TypeError, ValueError) as error:
        raise QueryError(f"sintaxis no válida: {error}") from None
    except RecursionError:
        raise QueryError("la consulta anida demasiados grupos") from None


def condition(text: str, default_field: str = "text"):
    """The SQL condition on Resource for a Lucene query string."""
    return _Translator(default_field).node(parse(text), None, 0)


# ------------------------------------------------------------------ values


def _like(value: str) -> str | None:
    """A Lucene wildcard word (``gest*``, ``b?g``) as a LIKE pattern; None without wildcards."""
    if "*" not in value and "?" not in value:
        return None
    return _like_literal(_unescape(value)).replace("*", "%").replace("?", "_")


def _unescape(value: str) -> str:
    """Lucene's backslash escapes (``name:foo\\-bar``) taken literally."""
    out, escape = [], False
    for char in value:
        if escape:
            out.append(char)
            escape = False
        elif char == "\\":
            escape = True
        else:
            out.append(char)
    return "".join(out)


def _text_value(item: tree.Item) -> tuple[str, bool]:
    """(value, is a phrase) of a Word or Phrase."""
    if isinstance(item, tree.Phrase):
        return _unescape(item.value[1:-1]), True
    if isinstance(item, tree.Word):
        return item.value, False
    raise QueryError(f"valor no admitido «{item}»")


def _match(column, value: str, phrase: bool, lower: bool = False):
    """Equality, or LIKE for a wildcard word (phrases are literal)."""
    pattern = None if phrase else _like(value)
    if lower:
        column, value = func.lower(column), value.lower()
        pattern = pattern.lower() if pattern else None
    if pattern is not None:
        return column.like(pattern, escape="\\")
    return column == (value if phrase else _unescape(value))


def _like_literal(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, value: str):
    return func.lower(column).like(f"%{_like_literal(value.lower())}%", escape="\\")


def _date(value: str, upper: bool) -> datetime | None:
    """A Solr date (``2026-12-06T09:00:00.123456Z``, ``NOW``, ``NOW-1DAY``), or None for ``*``."""
    if value == "*":
        return None
    now = datetime.now(UTC)
    if value.upper().startswith("NOW"):
        rest = value[3:].upper().split("/")[0]
        if not rest:
            return now
        units = {"DAY": "days", "DAYS": "days", "HOUR": "hours", "HOURS": "hours"}
        units |= {"MINUTE": "minutes", "MINUTES": "minutes", "SECOND": "seconds"}
        units |= {"SECONDS": "seconds"}
        sign = -1 if rest[0] == "-" else 1
        number = rest[1:].rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        unit = rest[1 + len(number) :]
        if rest[0] not in "+-" or not number.isdigit() or unit not in units:
            raise QueryError(f"fecha no válida «{value}»")
        return now + sign * timedelta(**{units[unit]: int(number)})
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise QueryError(f"fecha no válida «{value}»") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if upper and "T" not in value:  # a bare day as the upper bound takes the whole day
        when += timedelta(days=1)
    return when


# ------------------------------------------------------------------ fields


def _in(subquery):
    return Resource.id.in_(subquery)


def _field_organization(value: str, phrase: bool):
    return Resource.publisher.has(_match(Publisher.slug, value, phrase))


def _field_owner_org(value: str, phrase: bool):
    return Resource.publisher.has(_match(Publisher.uuid, value, phrase))


def _field_tags(value: str, phrase: bool):
    """Tags compare folded (case and accents aside), as the catalog stores them."""
    return _in(
        db.select(ResourceKeyword.resource_id).where(
            _match(ResourceKeyword.keyword_key, fold(value), phrase)
        )
    )


def _field_groups(value: str, phrase: bool):
    pattern = _like(value) if not phrase else None
    literal = pattern or _like_literal(value if phrase else _unescape(value))
    return _in(
        db.select(ResourceTheme.resource_id).where(
            ResourceTheme.scheme == "datos-gov-co",
            ResourceTheme.concept_uri.like(f"%/datos-gov-co/{literal}", escape="\\"),
        )
    )


def _field_res_format(value: str, phrase: bool):
    return _in(
        db.select(Distribution.resource_id).where(
            _match(Distribution.format, value, phrase, lower=True)
        )
    )


def _field_text(value: str, phrase: bool):
    """Free text: the title, the description or a keyword contains it."""
    if not phrase and _like(value):
        value = value.replace("*", "").replace("?", "")
    if not value:
        return true()
    return or_(
        _contains(Resource.title, value),
        _contains(Resource.description, value),
        _in(
            db.select(ResourceKeyword.resource_id).where(
                _contains(ResourceKeyword.keyword_key, fold(value))
            )
        ),
    )


def _words_in(column, value: str, phrase: bool):
    """A text field holds the word or phrase (a wildcard word: its stem)."""
    if not phrase:
        value = _unescape(value).replace("*", "").replace("?", "")
    return _contains(column, value) if value else true()


def _constant(expected: str) -> Callable[[str, bool], Any]:
    """A CKAN field every record here has with the same value."""

    def field(value: str, phrase: bool):
        pattern = None if phrase else _like(value)
        if pattern is not None:
            regex = re.escape(value).replace(r"\*", ".*").replace(r"\?", ".")
            return true() if re.fullmatch(regex, expected) else false()
        return true() if _unescape(value).lower() == expected else false()

    return field


FIELDS: dict[str, Callable[[str, bool], Any]] = {
    "organization": _field_organization,
    "owner_org": _field_owner_org,
    "tags": _field_tags,
    "groups": _field_groups,
    "res_format": _field_res_format,
    "license_id": lambda v, p: _match(Resource.license, v, p),
    "name": lambda v, p: _match(Resource.slug, v, p),
    "id": lambda v, p: _match(Resource.uuid, v, p),
    "title": lambda v, p: _words_in(Resource.title, v, p),
    "notes": lambda v, p: _words_in(Resource.description, v, p),
    "text": _field_text,
    "dataset_type": _constant("dataset"),
    "type": _constant("dataset"),
    "entity_type": _constant("package"),
    "state": _constant("active"),
    "private": _constant("false"),
    "capacity": _constant("public"),
}
DATE_FIELDS = {"metadata_modified": Resource.updated_at, "metadata_created": Resource.created_at}


class _Translator:
    def __init__(self, default_field: str):
        self.default_field = default_field

    def node(self, item: tree.Item, field: str | None, depth: int):
        if depth > MAX_DEPTH:
            raise QueryError("la consulta anida demasiados grupos")
        depth += 1
        if isinstance(item, (tree.OrOperation, tree.UnknownOperation)):
            return self.sequence(item, field, depth)
        if isinstance(item, tree.AndOperation):
            return and_(*(self.node(child, field, depth) for child in item.children))
        if isinstance(item, (tree.Group, tree.FieldGroup)):
            return self.node(item.expr, field, depth)
        if isinstance(item, tree.Plus):
            return self.node(item.a, field, depth)
        if isinstance(item, (tree.Not, tree.Prohibit)):
            return not_(self.node(item.a, field, depth))
        if isinstance(item, tree.SearchField):
            if field is not None:
                raise QueryError(f"campo dentro de otro campo «{item}»")
            return self.field(item, depth)
        if isinstance(item, tree.Range):
            raise QueryError(f"un rango necesita un campo de fecha «{item}»")
        if isinstance(item, (tree.Word, tree.Phrase)):
            return self.value(field or self.default_field, item)
        if isinstance(item, (tree.Fuzzy, tree.Proximity, tree.Boost)):
            return self.node(item.term, field, depth)
        raise QueryError(f"expresión no admitida «{item}»")

    def sequence(self, item: tree.Item, field: str | None, depth: int):
        """Terms side by side are all required; OR joins the terms it stands between."""
        parts: list[Any] = []
        self._flatten(item, parts)
        groups: list[list[tree.Item]] = [[parts[0]]]
        for operator, operand in zip(parts[1::2], parts[2::2], strict=True):
            if operator == "OR":
                groups[-1].append(operand)
            else:
                groups.append([operand])
        return and_(*(or_(*(self.node(o, field, depth) for o in group)) for group in groups))

    def _flatten(self, item: tree.Item, parts: list[Any]) -> None:
        if isinstance(item, (tree.OrOperation, tree.UnknownOperation)):
            operator = "OR" if isinstance(item, tree.OrOperation) else "AND"
            for position, child in enumerate(item.children):
                if position:
                    parts.append(operator)
                self._flatten(child, parts)
        else:
            parts.append(item)

    def field(self, item: tree.SearchField, depth: int):
        name = item.name
        if name == "*":
            if isinstance(item.expr, tree.Word) and item.expr.value == "*":
                return true()
            raise QueryError("«*» como campo solo en «*:*»")
        expr = item.expr
        if name in DATE_FIELDS:
            return self.date_range(name, expr)
        if name not in FIELDS:
            raise QueryError(f"undefined field {name}")
        if isinstance(expr, tree.Range):
            raise QueryError(f"el campo {name} no admite rangos")
        if isinstance(expr, tree.Word) and expr.value == "*":
            return true()  # field:* — every record has a value (or none: see below)
        return self.node(expr, name, depth)

    def value(self, field: str, item: tree.Item):
        value, phrase = _text_value(item)
        return FIELDS[field](value, phrase)

    def date_range(self, name: str, expr: tree.Item):
        """``[a TO b]`` (inclusive), ``{a TO b}`` (exclusive), ``*`` open; a bare day covers
        the whole day; a single date is that instant, or that day."""
        column = DATE_FIELDS[name]
        if isinstance(expr, tree.Range):
            low_text, high_text = _text_value(expr.low)[0], _text_value(expr.high)[0]
            conditions: list[Any] = [true()]
            low_day = "T" not in low_text and not low_text.upper().startswith("NOW")
            low = _date(low_text, upper=low_day and not expr.include_low)
            if low is not None:
                inclusive = expr.include_low or low_day
                conditions.append(column >= low if inclusive else column > low)
            high_day = "T" not in high_text and not high_text.upper().startswith("NOW")
            high = _date(high_text, upper=high_day and expr.include_high)
            if high is not None:
                inclusive = expr.include_high and not high_day
                conditions.append(column <= high if inclusive else column < high)
            return and_(*conditions)
        if isinstance(expr, (tree.Word, tree.Phrase)):
            value = _text_value(expr)[0]
            if value == "*":
                return true()
            start = _date(value, upper=False)
            if "T" in value or value.upper().startswith("NOW"):
                return column == start
            return and_(column >= start, column < _date(value, upper=True))
        raise QueryError(f"el campo {name} espera una fecha o un rango")


# ------------------------------------------------------------------ sort

SORT_FIELDS = {
    "id": Resource.uuid,
    "name": Resource.slug,
    "title_string": Resource.title,
    "metadata_modified": Resource.updated_at,
    "metadata_created": Resource.created_at,
}


def order_by(text: str) -> list:
    """CKAN's `sort`: comma-separated ``field asc|desc``; ``score`` (relevance) is accepted
    and, as there is no ranking here, orders nothing. Ties end by id, so paging is stable."""
    order: list = []
    for clause in text.split(","):
        words = clause.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise QueryError(f"orden no admitido «{clause.strip()}»")
        name, direction = words[0], (words[1].lower() if len(words) == 2 else "asc")
        if name == "score":
            continue
        column = SORT_FIELDS.get(name)
        if column is None:
            raise QueryError(f"no se puede ordenar por «{name}»")
        order.append(column.desc() if direction == "desc" else column.asc())
    order.append(Resource.id.asc())
    return order
