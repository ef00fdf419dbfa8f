"""CKEditor 5 configuration (django-ckeditor-5).

The General HTML Support plugin is told about `project-link` anchors so that an editor who
opens an imported article and saves it gets the same anchors and `data-*` attributes back.
"""

from __future__ import annotations

CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
CKEDITOR_5_MAX_FILE_SIZE = 10  # megabytes
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "jpg", "png", "gif", "webp"]

_PROJECT_LINK_HTML_SUPPORT = {
    "allow": [
        {
            "name": "a",
            "classes": ["project-link"],
            "attributes": {
                "data-id": True,
                "data-name": True,
                "data-logo": True,
                "data-refer-type": True,
                "target": True,
                "rel": True,
            },
        },
    ],
}

CKEDITOR_5_CONFIGS = {
    "default": {
        "language": "zh-cn",
        "toolbar": [
            "heading",
            "|",
            "bold",
            "italic",
            "link",
            "bulletedList",
            "numberedList",
            "blockQuote",
            "|",
            "insertTable",
            "imageUpload",
            "|",
            "undo",
            "redo",
            "sourceEditing",
        ],
        "heading": {
            "options": [
                {"model": "paragraph", "title": "正文", "class": "ck-heading_paragraph"},
                {"model": "heading2", "view": "h2", "title": "标题 2", "class": "ck-heading_heading2"},
                {"model": "heading3", "view": "h3", "title": "标题 3", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "标题 4", "class": "ck-heading_heading4"},
            ]
        },
        "image": {
            "toolbar": ["imageTextAlternative", "|", "imageStyle:alignLeft", "imageStyle:full"],
        },
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"]},
        "link": {"addTargetToExternalLinks": False},
        "htmlSupport": _PROJECT_LINK_HTML_SUPPORT,
    },
}
