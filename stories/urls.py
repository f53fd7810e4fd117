"""Every page of the archive, grouped by feature (each view module is named in
its group). cached(): guests' list pages and feeds come from the cache until
anything they show changes (discovery/pagecache.py)."""

from django.urls import path

from stories.accounts import profiles
from stories.api import token_views as tokens
from stories.discovery import feeds
from stories.discovery import views as discovery
from stories.discovery.pagecache import guest_page_cache as cached
from stories.readers import views as readers
from stories.tags import views as tags
from stories.works import invitations, posting
from stories.works import views as works

app_name = "stories"

urlpatterns = [
    # Discovery: home, the index, search, feeds.
    path("", cached(discovery.home), name="home"),
    path("works/", cached(discovery.work_list), name="work-list"),
    path("works/feed.atom", cached(feeds.WorksFeed()), name="works-feed"),
    path("search/", cached(discovery.search), name="search"),
    path("users/<str:username>/feed.atom", cached(feeds.UserFeed()), name="user-feed"),
    # Tags.
    path("tags/", cached(tags.tag_list), name="tag-list"),
    path("tags/<str:slug>/", cached(tags.tag_detail), name="tag-detail"),
    path("tags/<str:slug>/feed.atom", cached(feeds.TagFeed()), name="tag-feed"),
    # Works: reading, downloads, series.
    path("works/<int:work_id>/", works.work_detail, name="work-detail"),
    path("works/<int:work_id>/chapters/<int:position>/", works.chapter_detail, name="chapter-detail"),
    path("works/<int:work_id>/proceed/", works.content_notice_proceed, name="content-notice-proceed"),
    path("works/<int:work_id>/download.<str:fmt>", works.work_download, name="work-download"),
    path("series/<int:series_id>/", works.series_detail, name="series-detail"),
    # Works: posting and editing.
    path("post/", posting.work_post, name="work-post"),
    path("post/upload/", posting.work_upload, name="work-upload"),
    path("drafts/", posting.draft_list, name="draft-list"),
    path("series/<int:series_id>/edit/", posting.series_edit, name="series-edit"),
    path("works/<int:work_id>/edit/", posting.work_edit, name="work-edit"),
    path("works/<int:work_id>/delete/", posting.work_delete, name="work-delete"),
    path("works/<int:work_id>/chapters/new/", posting.chapter_new, name="chapter-new"),
    path("works/<int:work_id>/chapters/reorder/", posting.chapters_reorder, name="chapters-reorder"),
    path("works/<int:work_id>/chapters/<int:position>/edit/", posting.chapter_edit, name="chapter-edit"),
    path("works/<int:work_id>/chapters/<int:position>/delete/", posting.chapter_delete, name="chapter-delete"),
    # Works: co-creator invitations (nobody's name on a work without consent).
    path("invitations/", invitations.invitation_list, name="invitation-list"),
    path("invitations/<int:invitation_id>/accept/", invitations.invitation_accept, name="invitation-accept"),
    path("invitations/<int:invitation_id>/decline/", invitations.invitation_decline, name="invitation-decline"),
    path("works/<int:work_id>/leave/", invitations.creator_leave, name="creator-leave"),
    # People.
    path("users/<str:username>/", profiles.user_detail, name="user-detail"),
    # Readers: kudos, comments, reports, bookmarks, subscriptions, inbox, history, preferences.
    path("works/<int:work_id>/kudos/", readers.kudos_create, name="kudos-create"),
    path("works/<int:work_id>/hide/", readers.work_hide_toggle, name="work-hide-toggle"),
    path("works/<int:work_id>/chapters/<int:position>/comments/", readers.comment_create, name="comment-create"),
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
    path("preferences/default-filter/", readers.default_filter_save, name="default-filter-save"),
    path("mute/<str:kind>/<str:key>/", readers.mute_toggle, name="mute-toggle"),
    # Personal access tokens for the read API and the OPDS catalogue (in Preferences).
    path("preferences/tokens/", tokens.token_new, name="token-new"),
    path("preferences/tokens/<int:token_id>/revoke/", tokens.token_revoke_view, name="token-revoke"),
]
