"""The one publishing step: every stored output of a resource, re-made after each write.

Each output renders its own part — the RDF layer the DCAT fragments and shared blocks, the
data.json output its dataset entry, the feeds their plain-text summary — and this step stores
them together on the resource's fragment row, before the write commits. Nothing else writes
that row; the outputs read it back to build documents by concatenation.
"""

from __future__ import annotations

import json

from .feeds.build import plain_summary
from .harvest.datajson import dataset_object
from .models import Resource
from .models.types import utcnow
from .rdf.fragments import render_fragments


def publish(resource: Resource) -> None:
    """Re-render and store every per-resource output (call before commit)."""
    row = render_fragments(resource)
    row.datajson = json.dumps(dataset_object(resource), ensure_ascii=False, separators=(",", ":"))
    row.summary = plain_summary(resource.description or "")
    row.rendered_at = utcnow()
