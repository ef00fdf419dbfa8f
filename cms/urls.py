from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from articles import admin_import
from articles.views_legacy import legacy_redirect

admin.site.site_header = "Masthead 编辑后台"
admin.site.site_title = "Masthead"
admin.site.index_title = "内容管理"

urlpatterns = [
    path("admin/articles/import/", admin.site.admin_view(admin_import.import_view), name="articles-import"),
    path(
        "admin/articles/import/report.json",
        admin.site.admin_view(admin_import.import_report_download),
        name="articles-import-report",
    ),
    path("admin/", admin.site.urls),
    path("ckeditor5/", include("django_ckeditor_5.urls")),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Last: any other path may be an old Hexo permalink (301 to /p/<id>/); otherwise the usual 404.
urlpatterns.append(re_path(r"^(?P<path>.+)$", legacy_redirect, name="legacy-redirect"))
