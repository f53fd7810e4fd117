"""Atom feeds: the latest works of the index, of a tag (synonyms included) and of
an author. Built on Django's syndication framework; entries are the works a guest
would see in the matching list."""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from stories.discovery.query import WorksQuery
from stories.models import Tag

FEED_LENGTH = 20
User = get_user_model()
# What XML 1.0 cannot carry (Django's feed writer raises on it): a stored title with
# such a character must not make the feed answer 500 for every reader.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass
class FeedSource:
    title: str
    link: str
    works: list


class _WorksFeed(Feed):
    feed_type = Atom1Feed

    def title(self, source: FeedSource) -> str:
        return _xml(source.title)

    def link(self, source: FeedSource) -> str:
        return source.link

    def subtitle(self, source: FeedSource) -> str:
        return _xml(f"{source.title}, newest first.")

    def items(self, source: FeedSource) -> list:
        return source.works

    def item_title(self, work) -> str:
        return _xml(work.title)

    def item_description(self, work) -> str:
        # summary_html is sanitised when the work is saved (stories.core.rendering).
        tags = ", ".join(escape(item.tag.name) for item in work.tagged_items.all())
        rating = work.get_rating_display()
        words = f"{work.word_count:,} words"
        return _xml(
            f"<p>{rating} · {words} · {work.chapters_display} chapters</p><p>Tags: {tags}</p>{work.summary_html}"
        )

    def item_link(self, work) -> str:
        return work.get_absolute_url()

    def item_author_name(self, work) -> str:
        return _xml(", ".join(user.username for user in work.creator_users) or "Anonymous")

    def item_pubdate(self, work):
        return work.updated_at

    def item_updateddate(self, work):
        return work.updated_at

    def item_categories(self, work) -> list[str]:
        return [_xml(item.tag.name) for item in work.tagged_items.all()]


class WorksFeed(_WorksFeed):
    def get_object(self, request) -> FeedSource:
        return FeedSource(
            title="Quire: latest works",
            link=reverse("stories:work-list"),
            works=WorksQuery(request).latest(FEED_LENGTH),
        )


class TagFeed(_WorksFeed):
    def get_object(self, request, slug: str) -> FeedSource:
        tag = get_object_or_404(Tag.objects.select_related("synonym_of"), slug=slug)
        tag = tag.synonym_of or tag
        return FeedSource(
            title=f"Quire: works tagged {tag.name}",
            link=tag.get_absolute_url(),
            works=WorksQuery(request, tag=tag).latest(FEED_LENGTH),
        )


class UserFeed(_WorksFeed):
    def get_object(self, request, username: str) -> FeedSource:
        person = get_object_or_404(User, username=username, is_active=True)
        return FeedSource(
            title=f"Quire: works by {person.username}",
            link=reverse("stories:user-detail", args=[person.username]),
            works=WorksQuery(request, creator=person).latest(FEED_LENGTH),
        )
