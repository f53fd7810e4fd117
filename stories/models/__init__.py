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
from stories.models.series import Series, SeriesPart
from stories.models.tags import Tag, TaggedWork, TagKind
from stories.models.works import Category, Chapter, Rating, TextFormat, Warning, Work, WorkCreator, WorkLink

__all__ = [
    "Bookmark",
    "Category",
    "Chapter",
    "Comment",
    "Hit",
    "InboxItem",
    "Kudos",
    "OutgoingEmail",
    "Rating",
    "ReaderPreference",
    "ReadingPosition",
    "Report",
    "Series",
    "SeriesPart",
    "Subscription",
    "Tag",
    "TagKind",
    "TaggedWork",
    "TextFormat",
    "Warning",
    "Work",
    "WorkCreator",
    "WorkLink",
]
