from django.urls import path

from stories import feeds
from stories.pagecache import guest_page_cache as cached
from stories.views import authoring, people, readers, search, tags, works

app_name = "stories"

# cached(): guests' list pages and feeds come from the cache until anything they show
# changes (stories/pagecache.py).

urlpatterns = [
    path("", cached(works.home), name="home"),
    path("works/", cached(works.work_list), name="work-list"),
    path("works/feed.atom", cached(feeds.WorksFeed()), name="works-feed"),
    path("works/<int:work_id>/", works.work_detail, name="work-detail"),
    path("works/<int:work_id>/chapters/<int:position>/", works.chapter_detail, name="chapter-detail"),
    path("tags/", cached(tags.tag_list), name="tag-list"),
    path("tags/<str:slug>/", cached(tags.tag_detail), name="tag-detail"),
    path("tags/<str:slug>/feed.atom", cached(feeds.TagFeed()), name="tag-feed"),
    path("series/<int:series_id>/", people.series_detail, name="series-detail"),
    path("users/<str:username>/", people.user_detail, name="user-detail"),
    # Readers: kudos, comments, bookmarks, subscriptions, inbox, history, preferences, reports, downloads.
    path("works/<int:work_id>/proceed/", readers.content_notice_proceed, name="content-notice-proceed"),
    path("works/<int:work_id>/kudos/", readers.kudos_create, name="kudos-create"),
    path("works/<int:work_id>/hide/", readers.work_hide_toggle, name="work-hide-toggle"),
    path("works/<int:work_id>/chapters/<int:position>/comments/", readers.comment_create, name="comment-create"),
    path("works/<int:work_id>/download.<str:fmt>", readers.work_download, name="work-download"),
    path("comments/<int:comment_id>/", readers.comment_detail, name="comment-detail"),
    path("comments/<int:comment_id>/edit/", readers.comment_edit, name="comment-edit"),
    path("comments/<int:comment_id>/delete/", readers.comment_delete, name="comment-delete"),
    path("report/<str:kind>/<int:object_id>/", readers.report_create, name="report-create"),
    path("bookmark/<str:kind>/<int:object_id>/", readers.bookmark_save, name="bookmark-save"),
    path("bookmarks/<int:bookmark_id>/delete/", readers.bookmark_delete, name="bookmark-delete"),
    path("users/<str:username>/bookmarks/", readers.user_bookmarks, name="user-bookmarks"),
    path("later/", readers.later_list, name="later-list"),
    path("subscribe/<str:kind>/<str:key>/", readers.subscription_create, name="subscription-create"),
    path("subscriptions/", readers.subscription_list, name="subscription-list"),
    path("subscriptions/<int:subscription_id>/delete/", readers.subscription_delete, name="subscription-delete"),
    path("unsubscribe/<str:token>/", readers.unsubscribe, name="unsubscribe"),
    path("inbox/", readers.inbox, name="inbox"),
    path("inbox/read/", readers.inbox_read, name="inbox-read"),
    path("inbox/<int:item_id>/", readers.inbox_open, name="inbox-open"),
    path("history/", readers.history, name="history"),
    path("preferences/", readers.preferences, name="preferences"),
    path("mute/<str:kind>/<str:key>/", readers.mute_toggle, name="mute-toggle"),
    path("post/", authoring.work_post, name="work-post"),
    path("post/upload/", authoring.work_upload, name="work-upload"),
    path("drafts/", authoring.draft_list, name="draft-list"),
    path("works/<int:work_id>/edit/", authoring.work_edit, name="work-edit"),
    path("works/<int:work_id>/delete/", authoring.work_delete, name="work-delete"),
    path("works/<int:work_id>/chapters/new/", authoring.chapter_new, name="chapter-new"),
    path("works/<int:work_id>/chapters/reorder/", authoring.chapters_reorder, name="chapters-reorder"),
    path("works/<int:work_id>/chapters/<int:position>/edit/", authoring.chapter_edit, name="chapter-edit"),
    path("works/<int:work_id>/chapters/<int:position>/delete/", authoring.chapter_delete, name="chapter-delete"),
    path("users/<str:username>/feed.atom", cached(feeds.UserFeed()), name="user-feed"),
    path("search/", cached(search.search), name="search"),
]
