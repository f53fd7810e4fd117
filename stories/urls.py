from django.urls import path

from stories.views import people, tags, works

app_name = "stories"

urlpatterns = [
    path("", works.home, name="home"),
    path("works/", works.work_list, name="work-list"),
    path("works/<int:work_id>/", works.work_detail, name="work-detail"),
    path("works/<int:work_id>/chapters/<int:position>/", works.chapter_detail, name="chapter-detail"),
    path("tags/", tags.tag_list, name="tag-list"),
    path("tags/<str:slug>/", tags.tag_detail, name="tag-detail"),
    path("series/<int:series_id>/", people.series_detail, name="series-detail"),
    path("users/<str:username>/", people.user_detail, name="user-detail"),
]
