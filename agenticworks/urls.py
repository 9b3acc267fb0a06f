from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from agenticworks.accounts.urls import community_urlpatterns
from agenticworks.pages import views as pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("about/", pages.about, name="about"),
    path("code-of-conduct/", pages.code_of_conduct, name="code_of_conduct"),
    path("accounts/", include("agenticworks.accounts.urls")),
    path("community/", include(community_urlpatterns)),
    path("field-reports/", include("agenticworks.fieldreports.urls")),
    path("learn/", include("learn.urls")),
    path("learn/", include("tutor.urls")),
    path("forum/", include("forum.urls")),
    path("showcase/", include("showcase.urls")),
    path("certificates/", include("certificates.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "agenticworks.pages.views.bad_request"
handler403 = "agenticworks.pages.views.permission_denied"
handler404 = "agenticworks.pages.views.page_not_found"
handler500 = "agenticworks.pages.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
