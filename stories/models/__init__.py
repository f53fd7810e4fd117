from stories.models.accounts import SignupRequest
from stories.models.hits import Hit
from stories.models.interactions import (
    Bookmark,
    Comment,
    InboxItem,
    Kudos,
    OutgoingEmail,
    ReaderPreference,
    ReadingPosition,
    Report,
    Subscription,
)
from stories.models.invitations import CreatorInvitation
from stories.models.series import Series, SeriesPart
from stories.models.tags import Tag, TaggedWork, TagKind
from stories.models.tokens import ApiToken, TokenScope
from stories.models.works import (
    Category,
    Chapter,
    ImportedFile,
    Rating,
    TextFormat,
    Warning,
    Work,
    WorkCreator,
    WorkLink,
)

__all__ = [
    "ApiToken",
    "Bookmark",
    "Category",
    "Chapter",
    "Comment",
    "CreatorInvitation",
    "Hit",
    "ImportedFile",
    "InboxItem",
    "Kudos",
    "OutgoingEmail",
    "Rating",
    "ReaderPreference",
    "ReadingPosition",
    "Report",
    "Series",
    "SeriesPart",
    "SignupRequest",
    "Subscription",
    "Tag",
    "TagKind",
    "TaggedWork",
    "TextFormat",
    "TokenScope",
    "Warning",
    "Work",
    "WorkCreator",
    "WorkLink",
]
