"""The catalog's data model (SQLAlchemy 2 typed models)."""

from .accounts import ROLE_ADMIN, ROLE_EDITOR, ROLES, ApiToken, Membership, User
from .derived import FileCheck, LinkCheck, ResourceFragment, SharedBlock
from .good_practice import Collaborator, GoodPractice
from .harvest import HarvestRecord, HarvestRun, HarvestSource
from .history import ChainHead, Revision
from .operations import IdempotentReply, RequestThrottle
from .publishers import ENTITY, UNIT, Publisher
from .resources import (
    DRAFT,
    PUBLISHED,
    STATUSES,
    WITHDRAWN,
    Distribution,
    Resource,
    ResourceKeyword,
    ResourceTheme,
)
from .search import FacetCombination, SearchEntry
from .types import utcnow

__all__ = [
    "ApiToken",
    "ChainHead",
    "Collaborator",
    "DRAFT",
    "Distribution",
    "FileCheck",
    "ENTITY",
    "FacetCombination",
    "GoodPractice",
    "HarvestRecord",
    "HarvestRun",
    "HarvestSource",
    "IdempotentReply",
    "LinkCheck",
    "Membership",
    "PUBLISHED",
    "Publisher",
    "ROLES",
    "ROLE_ADMIN",
    "ROLE_EDITOR",
    "RequestThrottle",
    "Resource",
    "ResourceFragment",
    "SharedBlock",
    "ResourceKeyword",
    "ResourceTheme",
    "Revision",
    "STATUSES",
    "SearchEntry",
    "UNIT",
    "User",
    "WITHDRAWN",
    "utcnow",
]
