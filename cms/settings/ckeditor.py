"""CKEditor 5 configuration (django-ckeditor-5).

The toolbar and the plugins an article body may use. What the editor keeps of HTML (General
HTML Support) and its code-block languages are derived from the article cleaner's allowlist by
``articles.editor``, so the editor and ``articles.sanitize.clean_html`` agree on every tag and
attribute: an article opened and saved without changes comes back byte for byte.
"""

from __future__ import annotations

# Inline images in article bodies go through Masthead's own upload view (staff only, CSRF,
# Pillow-checked, size-limited, random names): see articles.admin.editor_views.
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "admin:articles_article_editor_upload"
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "jpg", "png", "gif", "webp"]

CKEDITOR_5_CONFIGS = {
    "default": {
        "language": "zh-cn",
        "toolbar": {
            "items": [
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
                "codeBlock",
                "horizontalLine",
                "|",
                "undo",
                "redo",
                "removeFormat",
                "sourceEditing",
            ],
            "shouldNotGroupWhenFull": True,
        },
        "heading": {
            "options": [
                {"model": "paragraph", "title": "正文", "class": "ck-heading_paragraph"},
                {"model": "heading2", "view": "h2", "title": "标题 2", "class": "ck-heading_heading2"},
                {"model": "heading3", "view": "h3", "title": "标题 3", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "标题 4", "class": "ck-heading_heading4"},
            ]
        },
        "image": {
            "toolbar": [
                "imageTextAlternative",
                "toggleImageCaption",
                "|",
                "imageStyle:inline",
                "imageStyle:block",
                "imageStyle:side",
                "|",
                "linkImage",
            ],
        },
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells", "toggleTableCaption"]},
        "link": {"addTargetToExternalLinks": False, "defaultProtocol": "https://"},
        # Plugins of the bundled build whose output the cleaner drops (inline styles, embeds,
        # markdown or full-page data processors): an editor must not make what cannot be kept.
        "removePlugins": [
            "Markdown",
            "FullPage",
            "HtmlEmbed",
            "MediaEmbed",
            "Style",
            "Font",
            "Highlight",
            "Alignment",
            "TodoList",
            "PageBreak",
            "ImageResize",
            "TableProperties",
            "TableCellProperties",
            "IndentBlock",
            "CKFinderUploadAdapter",
            "Mention",
            "Autosave",
            # It counts words, which Chinese has none of: the editor shows 字数 (editor.js).
            "WordCount",
        ],
    },
}
