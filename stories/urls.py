from django.urls import path

from stories.views import authoring, people, tags, works

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
    path("post/", authoring.work_post, name="work-post"),
    path("post/upload/", authoring.work_upload, name="work-upload"),
    path("drafts/", authoring.draft_list, name="draft-list"),
    path("works/<int:work_id>/edit/", authoring.work_edit, name="work-edit"),
    path("works/<int:work_id>/delete/", authoring.work_delete, name="work-delete"),
    path("works/<int:work_id>/chapters/new/", authoring.chapter_new, name="chapter-new"),
    path("works/<int:work_id>/chapters/reorder/", authoring.chapters_reorder, name="chapters-reorder"),
    path("works/<int:work_id>/chapters/<int:position>/edit/", authoring.chapter_edit, name="chapter-edit"),
    path("works/<int:work_id>/chapters/<int:position>/delete/", authoring.chapter_delete, name="chapter-delete"),
]
