"""Tag names in one normal form; deletions that leave nothing dangling.

- Every tag's name is rewritten in the normal form of stories.tags.names (NFC,
  invisible characters dropped, white space collapsed; relationships ordered), and
  tags of a kind that now share a name (ignoring case) are merged into one: their
  works, synonyms, parent and child links, subscriptions and mutes move to the kept
  tag (the one that is canonical, else not a synonym, else the oldest). Taggings move
  by UPDATE of tag_id, so 0009's trigger recomputes their roots. A tag whose slug is
  empty or cannot be a URL segment gets a new one (other slugs, i.e. URLs, are kept).
- Bookmarks outlive their work (work_deleted, title and creators kept).
- Inbox entries name the chapter or comment they point at, so deleting it deletes
  them; existing comment notices are linked to their comment from their URL, and
  those whose comment is gone are deleted.

The name functions are imported from the app (pure functions of plain strings): if
they change, this migration normalises with the new rules, which is what is wanted.
"""

import re
from collections import defaultdict

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from stories.tags.names import MAX_TAG_LENGTH, slug_base, tag_name_for_kind

COMMENT_URL_RE = re.compile(r"/comments/(\d+)/$")


def _usable_slug(slug: str) -> bool:
    return bool(slug) and "/" not in slug and slug not in (".", "..") and slug == slug.strip() and "\x00" not in slug


def _move_m2m(through, column: str, loser_id: int, keeper_id: int, other: str) -> None:
    """Point `column` of the rows naming the loser at the keeper, unless that row
    exists already (or would link the keeper to itself)."""
    rows = through.objects.filter(**{column: loser_id})
    have = set(through.objects.filter(**{column: keeper_id}).values_list(other, flat=True))
    rows.filter(**{f"{other}__in": [*have, keeper_id]}).delete()
    rows.update(**{column: keeper_id})


def normalise_and_merge_tags(apps, schema_editor):
    Tag = apps.get_model("stories", "Tag")
    TaggedWork = apps.get_model("stories", "TaggedWork")
    Subscription = apps.get_model("stories", "Subscription")
    Muted = apps.get_model("stories", "ReaderPreference").muted_tags.through
    Parents = Tag.parents.through

    groups: dict[tuple[str, str], list] = defaultdict(list)
    normal_names: dict[int, str] = {}
    tags = list(Tag.objects.order_by("id"))
    for tag in tags:
        normal_names[tag.pk] = tag_name_for_kind(tag.kind, tag.name)[:MAX_TAG_LENGTH] or f"Tag {tag.pk}"
    # Grouped by the database's lower(), which the unique constraint compares.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT n, lower(n) FROM unnest(%s::text[]) AS n", [sorted(set(normal_names.values()))])
        lowered = dict(cursor.fetchall())
    for tag in tags:
        groups[(tag.kind, lowered[normal_names[tag.pk]])].append(tag)

    keepers = []
    for tags in groups.values():
        keeper = sorted(tags, key=lambda t: (not t.canonical, t.synonym_of_id is not None, t.pk))[0]
        keepers.append(keeper)
        root = keeper.synonym_of_id or keeper.pk
        for loser in tags:
            if loser.pk == keeper.pk:
                continue
            keeper_works = TaggedWork.objects.filter(tag_id=keeper.pk).values("content_object_id")
            TaggedWork.objects.filter(tag_id=loser.pk, content_object_id__in=keeper_works).delete()
            TaggedWork.objects.filter(tag_id=loser.pk).update(tag_id=keeper.pk)
            Tag.objects.filter(synonym_of_id=loser.pk).exclude(pk=root).update(synonym_of_id=root)
            Tag.objects.filter(synonym_of_id=loser.pk).update(synonym_of_id=None)
            if loser.canonical and keeper.synonym_of_id is None and not keeper.canonical:
                Tag.objects.filter(pk=keeper.pk).update(canonical=True)
                keeper.canonical = True
            _move_m2m(Parents, "from_tag_id", loser.pk, keeper.pk, "to_tag_id")
            _move_m2m(Parents, "to_tag_id", loser.pk, keeper.pk, "from_tag_id")
            subscribed = Subscription.objects.filter(tag_id=keeper.pk).values("user_id")
            Subscription.objects.filter(tag_id=loser.pk, user_id__in=subscribed).delete()
            Subscription.objects.filter(tag_id=loser.pk).update(tag_id=keeper.pk)
            _move_m2m(Muted, "tag_id", loser.pk, keeper.pk, "readerpreference_id")
            loser.delete()

    taken = set(Tag.objects.values_list("slug", flat=True))
    for keeper in keepers:
        changes = {}
        if keeper.name != normal_names[keeper.pk]:
            changes["name"] = normal_names[keeper.pk]
        if not _usable_slug(keeper.slug):
            base = slug_base(normal_names[keeper.pk])
            slug, i = base, 2
            while slug in taken:
                slug, i = f"{base}-{i}", i + 1
            taken.add(slug)
            changes["slug"] = slug
        if changes:
            Tag.objects.filter(pk=keeper.pk).update(**changes)


def link_inbox_items(apps, schema_editor):
    InboxItem = apps.get_model("stories", "InboxItem")
    Comment = apps.get_model("stories", "Comment")
    for item in InboxItem.objects.filter(url__contains="/comments/").only("pk", "url"):
        match = COMMENT_URL_RE.search(item.url)
        if match is None:
            continue
        comment = Comment.objects.filter(pk=int(match.group(1)), is_deleted=False).first()
        if comment is None:
            item.delete()
        else:
            InboxItem.objects.filter(pk=item.pk).update(comment_id=comment.pk)


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0015_series_positions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="bookmark",
            name="bookmark_one_target",
        ),
        migrations.AddField(
            model_name="bookmark",
            name="work_creators",
            field=models.CharField(blank=True, help_text="The deleted work's creators.", max_length=500),
        ),
        migrations.AddField(
            model_name="bookmark",
            name="work_deleted",
            field=models.BooleanField(default=False, help_text="The bookmarked work has been deleted."),
        ),
        migrations.AddField(
            model_name="bookmark",
            name="work_title",
            field=models.CharField(blank=True, help_text="The deleted work's title.", max_length=255),
        ),
        migrations.AddField(
            model_name="inboxitem",
            name="chapter",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="stories.chapter",
            ),
        ),
        migrations.AddField(
            model_name="inboxitem",
            name="comment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="stories.comment",
            ),
        ),
        migrations.AlterField(
            model_name="bookmark",
            name="work",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="bookmarks",
                to="stories.work",
            ),
        ),
        migrations.AddConstraint(
            model_name="bookmark",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("series__isnull", True), ("work__isnull", False), ("work_deleted", False)),
                    models.Q(("series__isnull", False), ("work__isnull", True), ("work_deleted", False)),
                    models.Q(("series__isnull", True), ("work__isnull", True), ("work_deleted", True)),
                    _connector="OR",
                ),
                name="bookmark_one_target",
            ),
        ),
        migrations.RunPython(normalise_and_merge_tags, migrations.RunPython.noop),
        migrations.RunPython(link_inbox_items, migrations.RunPython.noop),
    ]
