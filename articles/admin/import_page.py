"""The admin's "Import legacy posts" (导入旧文章) page, for staff with ``articles.import_articles``.

Staff upload ``.md`` files or ``.zip`` archives, optionally as a dry run; the page runs the same
``posts_import`` as the management command and shows its report as a table, which can then be
downloaded as JSON (the last report is kept in the session); a real (not dry) run is kept as
an ``ImportRun`` for the editors' dashboard. Thin: no import logic here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ImportRun
from articles.services.importing import posts_import, report_build
from articles.services.importing.identity import MATCHED_BY_LABELS
from articles.services.importing.results import STATUS_LABELS
from articles.services.importing.runs import import_run_record
from articles.services.importing.source_types import ARCHIVE_SUFFIX, POST_SUFFIXES

PERMISSION = "articles.import_articles"
# Laid out as the admin lays out a change form (``admin/includes/fieldset.html``).
FIELDSETS = [
    (None, {"fields": ["files"]}),
    (_("选项"), {"fields": ["dry_run", "overwrite", "fetch_images", "publish_undated"]}),
]
SESSION_KEY = "articles_import_report"
ACCEPTED_SUFFIXES = (*POST_SUFFIXES, ARCHIVE_SUFFIX)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("文件"),
        help_text=_("Hexo 文章（.md）或 .zip 压缩包，可多选；文件很多时请打包成 .zip 上传。"),
    )
    dry_run = forms.BooleanField(
        label=_("仅预演"), required=False, help_text=_("只报告将会发生什么，不写入任何内容。")
    )
    overwrite = forms.BooleanField(
        label=_("覆盖编辑改动"), required=False, help_text=_("也覆盖导入后被编辑在后台改动过的文章。")
    )
    fetch_images = forms.BooleanField(
        label=_("下载远程图片"),
        required=False,
        help_text=_("把题图、缩略图和项目 Logo 下载到本站（失败的可稍后用 images_fetch 重试）。"),
    )
    publish_undated = forms.BooleanField(
        label=_("发布无日期的文章"),
        required=False,
        help_text=_(
            "没有可用日期的文章按 Hexo 的做法以文件修改时间发布；默认按待审核导入，列入「日期待核实」。"
        ),
    )

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        for file in files:
            if not file.name.lower().endswith(ACCEPTED_SUFFIXES):
                raise ValidationError(
                    _("%(name)s 不是 .md 或 .zip 文件。"), params={"name": file.name}, code="file_type"
                )
        return files


def _require_permission(request: HttpRequest) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def import_view(request: HttpRequest) -> HttpResponse:
    """Upload form; on submit, run the import and show its report."""
    _require_permission(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report, rows = None, []
    if request.method == "POST" and form.is_valid():
        started_at = timezone.now()
        results = list(
            posts_import(
                inputs=form.cleaned_data["files"],
                dry_run=form.cleaned_data["dry_run"],
                overwrite=form.cleaned_data["overwrite"],
                publish_undated=form.cleaned_data["publish_undated"],
                fetch_images=form.cleaned_data["fetch_images"],
            )
        )
        report = report_build(results)
        request.session[SESSION_KEY] = report
        if not form.cleaned_data["dry_run"]:
            import_run_record(
                results=results,
                started_at=started_at,
                source=ImportRun.Source.ADMIN,
                inputs=[file.name for file in form.cleaned_data["files"]],
                user=request.user,
            )
        rows = _report_rows(report, results, dry_run=form.cleaned_data["dry_run"])
    context = {
        **admin.site.each_context(request),
        "title": _("导入旧文章"),
        "opts": Article._meta,
        "form": form,
        "adminform": helpers.AdminForm(form, FIELDSETS, {}),
        "report": report,
        "rows": rows,
        "dry_run": form.cleaned_data.get("dry_run") if report else False,
    }
    return TemplateResponse(request, "admin/articles/import.html", context)


def _report_rows(report: dict, results: list, *, dry_run: bool) -> list[dict]:
    """The report's files for the table: status in words, and the article's title linked to
    its change page (one query for all titles; a dry run links nothing)."""
    ids = [result.article_id for result in results if result.article_id and not dry_run]
    titles = dict(Article.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    return [
        {
            **file,
            "status_label": STATUS_LABELS[file["status"]],
            "matched_label": MATCHED_BY_LABELS.get(file["matched_by"] or "", ""),
            "title": titles.get(result.article_id),
            "edit_url": (
                reverse("admin:articles_article_change", args=[result.article_id])
                if result.article_id in titles
                else None
            ),
        }
        for file, result in zip(report["files"], results, strict=True)
    ]


def import_report_download(request: HttpRequest) -> JsonResponse:
    """The last import report of this session, as a JSON file."""
    _require_permission(request)
    report = request.session.get(SESSION_KEY)
    if report is None:
        raise Http404(_("还没有导入报告"))
    response = JsonResponse(report, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="import-report.json"'
    return response
