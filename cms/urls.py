import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from articles.admin import import_page
from articles.api.app import api
from articles.api.views import api_not_found
from articles.views_legacy import legacy_redirect

admin.site.site_header = "Masthead 编辑后台"
admin.site.site_title = "Masthead"
admin.site.index_title = "内容管理"

urlpatterns = [
    path("admin/articles/import/", admin.site.admin_view(import_page.import_view), name="articles-import"),
    path(
        "admin/articles/import/report.json",
        admin.site.admin_view(import_page.import_report_download),
        name="articles-import-report",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),  # any other /api/ path: a JSON 404, not the site's page
    path("", include("articles.urls")),
]

if settings.DEBUG or getattr(settings, "MASTHEAD_SERVE_MEDIA", False):
    # Uploads served by Django only in development and tests (browser tests against a live
    # server); production serves MEDIA_ROOT from the web server or object storage.
    from django.views.static import serve

    def media(request, path):
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{prefix}(?P<path>.*)$", media)]

# Last: any other path may be an old Hexo permalink (301 to /p/<id>/); otherwise the usual 404.
urlpatterns.append(re_path(r"^(?P<path>.+)$", legacy_redirect, name="legacy-redirect"))
