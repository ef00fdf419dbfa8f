"""Admin forms. Validation lives here and in model ``clean()``, not in admin hooks."""

from __future__ import annotations

from django import forms
from django_ckeditor_5.widgets import CKEditor5Widget

from articles.models import Article


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "body",
            "excerpt",
            "status",
            "published_at",
            "head_image",
            "head_image_alt",
            "thumbnail",
            "categories",
            "tags",
            "comments_enabled",
            "source",
        ]
        widgets = {
            "body": CKEditor5Widget(config_name="default"),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
        }
