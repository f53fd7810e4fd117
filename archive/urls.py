from django.contrib import admin
from django.urls import include, path

from stories.views.people import healthz

admin.site.site_header = "Quire moderation"
admin.site.site_title = "Quire moderation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("stories.urls_accounts")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("stories.urls")),
]

handler404 = "stories.views.errors.not_found"
handler500 = "stories.views.errors.server_error"
