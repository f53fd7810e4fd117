from django.urls import path

from stories import feeds
from stories.views import people, search, tags, works

app_name = "stories"

urlpatterns = [
    path("", works.home, name="home"),
    path("works/", works.work_list, name="work-list"),
    path("works/feed.atom", feeds.WorksFeed(), name="works-feed"),
    path("works/<int:work_id>/", works.work_detail, name="work-detail"),
    path("works/<int:work_id>/chapters/<int:position>/", works.chapter_detail, name="chapter-detail"),
    path("tags/", tags.tag_list, name="tag-list"),
    path("tags/<str:slug>/", tags.tag_detail, name="tag-detail"),
    path("tags/<str:slug>/feed.atom", feeds.TagFeed(), name="tag-feed"),
    path("series/<int:series_id>/", people.series_detail, name="series-detail"),
    path("users/<str:username>/", people.user_detail, name="user-detail"),
    path("users/<str:username>/feed.atom", feeds.UserFeed(), name="user-feed"),
    path("search/", search.search, name="search"),
]
