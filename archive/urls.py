from django.contrib import admin
from django.urls import include, path

from stories.api.views import api
from stories.core.views import csp_report, healthz, readyz

admin.site.site_header = "Quire moderation"
admin.site.site_title = "Quire moderation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("stories.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("opds/", include("stories.opds.urls")),
    path("csp-report/", csp_report, name="csp-report"),
    path("readyz", readyz, name="readyz"),
    path("", include("stories.urls")),
]

handler404 = "stories.core.views.not_found"
handler500 = "stories.core.views.server_error"
