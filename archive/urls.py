from django.contrib import admin
from django.urls import include, path

from stories.core.views import healthz, readyz

admin.site.site_header = "Quire moderation"
admin.site.site_title = "Quire moderation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("stories.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("", include("stories.urls")),
]

handler404 = "stories.core.views.not_found"
handler500 = "stories.core.views.server_error"
