"""The article body editor: CKEditor 5 configured from the cleaner's allowlist.

General HTML Support is told to keep exactly what ``articles.sanitize`` keeps (tags, attributes,
classes), the code-block languages are the ones ``articles.canonical`` knows, and the widget adds
Masthead's editor tools (project picker, autosave) around it.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.utils.csp import CSP
from django_ckeditor_5.widgets import CKEditor5Widget

from articles import sanitize
from articles.canonical import CODE_BLOCK_LANGUAGES


def html_support() -> dict:
    """CKEditor's ``htmlSupport`` config: allow what the cleaner allows, nothing more."""
    shared = sanitize.ALLOWED_ATTRIBUTES.get("*", set())
    allow = []
    for tag in sorted(sanitize.ALLOWED_TAGS):
        attributes = (set(shared) | set(sanitize.ALLOWED_ATTRIBUTES.get(tag, set()))) - {"class"}
        rule: dict = {"name": tag, "attributes": dict.fromkeys(sorted(attributes), True)}
        pattern = sanitize.ALLOWED_CLASS_PATTERNS.get(tag)
        if pattern is not None:
            # django-ckeditor-5 turns "/.../" strings into regular expressions.
            rule["classes"] = [f"/^(?:{pattern.pattern})$/"]
        allow.append(rule)
    return {"allow": allow}


def code_block() -> dict:
    return {"languages": [{"language": name, "label": label} for name, label in CODE_BLOCK_LANGUAGES.items()]}


def editor_config(base: dict) -> dict:
    """``base`` (from ``CKEDITOR_5_CONFIGS``) with the cleaner-derived parts added."""
    config = copy.deepcopy(base)
    config["htmlSupport"] = html_support()
    config["codeBlock"] = code_block()
    return config


class ArticleBodyWidget(CKEditor5Widget):
    """CKEditor 5 for article bodies, with the project picker and autosave around it."""

    template_name = "articles/widgets/article_body.html"

    def __init__(self, attrs=None):
        super().__init__(config_name="default", attrs=attrs)
        self.config = editor_config(self.config)

    class Media:
        css = {"all": ["articles/admin/editor.css"]}
        js = ["articles/admin/editor.js"]


def editor_csp() -> dict:
    """The site's Content Security Policy, plus inline style *attributes* for the article editor.

    CKEditor 5's editing view writes some styles as attributes (an image's aspect ratio while it
    loads, table column widths); only the pages that host the editor allow that. Scripts and
    ``<style>`` elements stay as strict as everywhere else.
    """
    return {**settings.SECURE_CSP, "style-src-attr": [CSP.UNSAFE_INLINE]}
