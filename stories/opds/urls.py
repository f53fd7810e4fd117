"""The OPDS catalogue's addresses (included at /opds/ by archive/urls.py)."""

from django.urls import path

from stories.opds import views

app_name = "opds"
urlpatterns = [
    path("", views.root, name="root"),
    path("works/", views.works, name="works"),
    path("fandoms/", views.fandoms, name="fandoms"),
    path("tags/", views.tags, name="tags"),
    path("tags/<str:slug>/", views.tag_works, name="tag-works"),
    path("search/", views.search, name="search"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
    path("bookmarks/", views.bookmarks, name="bookmarks"),
    path("later/", views.later, name="later"),
]
