"""Reading one legacy file as Hexo reads it (``post_parse``: pure, no database)."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from articles.models import Credit
from articles.services.importing import NotAPostError, PostError, post_parse

SHANGHAI = ZoneInfo("Asia/Shanghai")
MTIME = datetime(2020, 1, 2, 3, 4, 5, tzinfo=SHANGHAI)


def parse(text, path="posts/a.md"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return post_parse(path=path, raw=raw, mtime=MTIME)


# Front-matter forms -------------------------------------------------------------------------


def test_prefixed_yaml_front_matter_is_read():
    post = parse("---\ntitle: 标题\ndate: 2021-03-21 16:41:54\n---\n正文")
    assert post.title == "标题"
    assert post.published_at == datetime(2021, 3, 21, 16, 41, 54, tzinfo=SHANGHAI)
    assert post.body == "<p>正文</p>"


def test_leading_blank_line_before_the_separator_still_reads_the_yaml():
    post = parse("\n---\ntitle: '标题'\ncomments: false\n---\n\n<div>\n<p>正文</p>\n</div>")
    assert (post.title, post.comments_enabled, post.body) == ("标题", False, "<p>正文</p>")


def test_front_matter_without_an_opening_separator_is_hexos_new_form():
    post = parse("title: 新格式\ndate: 2019-02-03\ntags: [Swift]\n---\n正文")
    assert (post.title, post.tags, post.body) == ("新格式", ["Swift"], "<p>正文</p>")


def test_json_front_matter_between_semicolons():
    post = parse(';;;\n"title": "JSON 文章",\n"tags": ["a", "b"]\n;;;\n正文')
    assert (post.title, post.tags) == ("JSON 文章", ["a", "b"])


def test_a_longer_separator_and_blank_lines_around_the_yaml():
    post = parse("----\n\ntitle: 长分隔符\n\n----\n正文")
    assert post.title == "长分隔符"


def test_utf8_bom_is_dropped():
    post = parse("\ufeff---\ntitle: 带 BOM\ndate: 2020-01-01\n---\n正文".encode())
    assert post.title == "带 BOM" and post.warnings == []


def test_crlf_line_endings_are_read_like_lf():
    post = parse(b"---\r\ntitle: CRLF\r\ntags:\r\n  - a\r\n---\r\nline one\r\nline two\r\n")
    assert (post.title, post.tags) == ("CRLF", ["a"])
    assert "\r" not in post.body


def test_tab_indented_lists_are_read_as_hexo_does():
    post = parse("---\ntitle: tabs\ncategories:\n\t- 甲\n\t- 乙\n---\n正文")
    assert post.categories == ["甲", "乙"]


def test_yaml_1_2_scalars_stay_strings_and_number_titles_become_strings():
    post = parse("---\ntitle: 12_00\nflag: on\nanswer: no\n---\n正文")
    assert post.title == "12_00"
    assert post.extra == {"flag": "on", "answer": "no"}
    assert parse("---\ntitle: 1950\n---\nx").title == "1950"
    assert parse("---\ntitle: 2.50\n---\nx").title == "2.5"


def test_a_title_over_several_lines_reads_as_one_line():
    assert parse("---\ntitle: 00_00\n\n  币价晚报\n---\nx").title == "00_00 币价晚报"


def test_broken_yaml_fails_with_line_column_and_a_hint():
    with pytest.raises(PostError) as error:
        parse("---\ntitle:拓展 Swift\ndate:2018-10-04\ntags: [Swift]\n---\n正文")
    message = str(error.value)
    assert "YAML front matter 有误" in message
    assert "第 4 行，第 5 列" in message
    assert "第 2 行的「title:」冒号后缺少空格" in message


def test_a_file_without_front_matter_is_not_a_post():
    with pytest.raises(NotAPostError):
        parse("# README\n\n这里不是文章。")


# Dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-01-08 12:11:08+00:00", datetime(2023, 1, 8, 12, 11, 8, tzinfo=UTC)),
        ("2023-01-08T12:11:08-05:00", datetime(2023, 1, 8, 12, 11, 8, tzinfo=timezone(timedelta(hours=-5)))),
        ("2023-01-08 12:11:08", datetime(2023, 1, 8, 12, 11, 8, tzinfo=SHANGHAI)),
        ("2018-10-04", datetime(2018, 10, 4, tzinfo=SHANGHAI)),
        ("Fri, 18 Mar 2022 01:23:51 GMT", datetime(2022, 3, 18, 1, 23, 51, tzinfo=UTC)),
        ("Sun, 31 Dec 1950 00:00:00 GMT", datetime(1950, 12, 31, tzinfo=UTC)),
    ],
)
def test_dates_follow_hexos_rules(value, expected):
    post = parse(f"---\ntitle: t\ndate: {value}\n---\nx")
    assert post.published_at == expected
    assert post.warnings == []


def test_a_missing_date_uses_the_file_modification_time_with_a_warning():
    post = parse("---\ntitle: t\n---\nx")
    assert post.published_at == MTIME
    assert post.warnings == ["缺少 date：使用文件修改时间 2020-01-02T03:04:05+08:00"]


@pytest.mark.parametrize("value", ["Invalid Date", "2020-09-06 22:010:17", "明天"])
def test_an_unparseable_date_uses_the_modification_time_and_keeps_the_value(value):
    post = parse(f"---\ntitle: t\ndate: {value}\n---\nx")
    assert post.published_at == MTIME
    assert post.extra["date"] == value
    assert post.warnings == [f"date 值 {value} 不是有效日期：使用文件修改时间 2020-01-02T03:04:05+08:00"]


def test_updated_becomes_the_modified_date():
    post = parse("---\ntitle: t\ndate: 2023-05-04\nupdated: 2023-05-06 12:00:00\n---\nx")
    assert post.modified_at == datetime(2023, 5, 6, 12, tzinfo=SHANGHAI)
    bad = parse("---\ntitle: t\ndate: 2023-05-04\nupdated: soon\n---\nx")
    assert bad.modified_at is None and bad.extra == {"updated": "soon"}
    assert bad.warnings == ["updated 值 soon 不是有效日期：已忽略"]


# Titles, drafts, flags ----------------------------------------------------------------------


@pytest.mark.parametrize("title_line", ["", "title:", "title: ''", "title: '   '"])
def test_a_missing_or_empty_title_makes_a_draft_named_after_the_file(title_line):
    post = parse(f"---\n{title_line}\ndate: 2022-01-02\n---\nx", path="posts/芯片新闻.md")
    assert (post.title, post.is_draft) == ("芯片新闻", True)
    assert post.warnings == ["缺少标题：按草稿导入，标题取自文件名「芯片新闻」"]


def test_published_false_imports_as_a_draft():
    assert parse("---\ntitle: t\npublished: false\n---\nx").is_draft is True
    assert parse("---\ntitle: t\npublished: true\n---\nx").is_draft is False
    assert parse("---\ntitle: t\n---\nx").is_draft is False


def test_published_no_is_a_string_in_yaml_1_2_so_hexo_publishes_it_with_a_warning():
    post = parse("---\ntitle: t\ndate: 2020-01-01\npublished: no\n---\nx")
    assert post.is_draft is False
    assert post.warnings == ["published: no 在 YAML 1.2 中是字符串，Hexo 视为真值：按 true 导入"]


def test_a_post_in_hexos_drafts_folder_is_a_draft():
    assert parse("---\ntitle: t\n---\nx", path="source/_drafts/a.md").is_draft is True


def test_comments_false_disables_comments():
    assert parse("---\ntitle: t\ncomments: false\n---\nx").comments_enabled is False
    assert parse("---\ntitle: t\n---\nx").comments_enabled is True


def test_author_and_images_are_kept():
    post = parse("---\ntitle: t\nauthor: 36kr\nheadimg: 'https://img.example.com/h.jpg'\nthumbnail:\n---\nx")
    assert (post.source, post.head_image_url, post.thumbnail_url) == (
        "36kr",
        "https://img.example.com/h.jpg",
        "",
    )


# Categories and tags ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("[Swift, Objective-C, iOS 开发]", ["Swift", "Objective-C", "iOS 开发"]),
        ("Java", ["Java"]),
        ("\n  - - 历史\n    - 数学\n  - 奖项", ["历史", "数学", "奖项"]),
        ("[2021, 2021, ' 空格 ']", ["2021", "空格"]),
        ("[]", []),
    ],
)
def test_categories_and_tags_accept_lists_strings_and_nested_lists(value, expected):
    post = parse(f"---\ntitle: t\ncategories: {value}\ntags: {value}\n---\nx")
    assert post.categories == expected
    assert post.tags == expected


# Permalinks ---------------------------------------------------------------------------------


def test_a_front_matter_permalink_wins():
    post = parse("---\ntitle: t\ndate: 2019-02-03\npermalink: /swift/%E5%85%B3%E8%81%94/\n---\nx")
    assert post.permalink == "/swift/关联/"


def test_the_default_permalink_uses_the_date_in_the_site_time_zone_and_the_path():
    post = parse("---\ntitle: t\ndate: 2022-03-17 17:30:00 +00:00\n---\nx", path="新媒体/36kr/钉钉 收购.md")
    assert post.permalink == "/2022/03/18/新媒体/36kr/钉钉 收购/"


def test_the_title_placeholder_is_relative_to_a_hexo_sites_posts_folder():
    post = parse("---\ntitle: t\ndate: 2022-03-18\n---\nx", path="blog/source/_posts/科技/芯片.md")
    assert post.permalink == "/2022/03/18/科技/芯片/"


def test_the_permalink_pattern_comes_from_the_setting(settings):
    settings.ARTICLES_LEGACY_PERMALINK = ":category/:i_month/:i_day/:name.html"
    post = parse("---\ntitle: t\ndate: 2022-03-08\ncategories: [Tech News, 芯片]\n---\nx", path="a/b.md")
    assert post.permalink == "/Tech-News/芯片/3/8/b.html"
    settings.ARTICLES_LEGACY_PERMALINK = "posts/:post_title/"
    assert parse("---\ntitle: Hello, World!\n---\nx").permalink == "/posts/hello-world/"


# Excerpts and unknown keys ------------------------------------------------------------------


def test_the_text_before_more_is_the_excerpt():
    post = parse("---\ntitle: t\n---\n**导语**第一段。\n\n<!-- more -->\n\n正文。")
    assert post.excerpt == "导语第一段。"
    assert "<!--" not in post.body and "正文" in post.body


def test_a_more_marker_inside_code_is_not_an_excerpt_marker():
    post = parse("---\ntitle: t\n---\n开头。\n\n```\n<!--more-->\n```\n")
    # Not cut at the marker: the excerpt is the opening paragraphs, the code stays in the body.
    assert post.excerpt == "开头。"
    assert "more--" in post.body


def test_excerpt_then_description_then_more_then_the_opening_text():
    assert parse("---\ntitle: t\nexcerpt: 摘要\ndescription: 描述\n---\na\n<!--more-->").excerpt == "摘要"
    post = parse("---\ntitle: t\ndescription: 描述\n---\na\n\n<!--more-->")
    assert post.excerpt == "描述" and post.extra == {"description": "描述"}
    assert parse("---\ntitle: t\n---\n开头的文字。").excerpt == "开头的文字。"


def test_unknown_keys_are_kept_in_extra():
    post = parse(
        "---\ntitle: t\nexcerpt: 摘要\ndescription: 描述\nkeywords: a,b\ncustom_title:\nlayout: post\n"
        "id: '1532'\nseo: {score: 1.5, tags: [x]}\n---\nx"
    )
    assert post.extra == {
        "description": "描述",
        "keywords": "a,b",
        "custom_title": None,
        "layout": "post",
        "id": "1532",
        "seo": {"score": 1.5, "tags": ["x"]},
    }


# Encodings ----------------------------------------------------------------------------------


def test_a_gb18030_file_is_decoded_with_a_warning():
    post = parse("---\ntitle: 中文标题\ndate: 2020-01-01\n---\n正文内容".encode("gb18030"))
    assert post.title == "中文标题" and post.body == "<p>正文内容</p>"
    assert post.warnings == ["文件不是有效的 UTF-8（第 11 字节），已按 GB18030 解码"]


def test_a_file_in_no_known_encoding_fails_with_the_reason():
    with pytest.raises(PostError, match="无法识别编码：不是 UTF-8（第 11 字节无效），也不是 GB18030"):
        parse(b"---\ntitle: \xff\xfe\xff\n---\n")


def test_a_binary_or_utf16_file_fails_clearly():
    with pytest.raises(PostError, match="NUL"):
        parse("---\ntitle: t\n---\nx".encode("utf-16-le"))


# Bodies -------------------------------------------------------------------------------------


def test_markdown_is_rendered_with_tables_strikethrough_and_fenced_code():
    post = parse(
        "---\ntitle: t\n---\n## 参数\n\n| 型号 | 算力 |\n| --- | --- |\n| A1 | 8 |\n\n~~旧~~\n\n"
        "```python\nprint(1)\n```\n\n<script>alert(1)</script>\n"
    )
    assert "<h2>参数</h2>" in post.body
    assert "<td>A1</td>" in post.body
    assert "<s>旧</s>" in post.body
    assert '<pre><code class="language-python">print(1)' in post.body
    assert "<script" not in post.body and "alert" not in post.body


def test_an_html_body_is_kept_as_html_even_with_blank_lines_and_indentation():
    post = parse("---\ntitle: t\n---\n<div>\n<p>一</p>\n\n    <p>二</p>\n</div>")
    assert post.body == "<p>一</p><p>二</p>"  # HTML, not an indented code block


@pytest.mark.parametrize("bar", ["|", "｜"])
def test_bylines_become_credits_and_leave_the_body(bar):
    markdown = parse(f"---\ntitle: t\n---\n文 {bar} 苏建勋\n\n编辑 {bar} 杨轩\n\n题图 {bar} 视觉中国\n\n正文")
    html = parse(f"---\ntitle: t\n---\n<div><p>文 {bar} 苏建勋</p><p>来源{bar}36氪</p><p>正文</p></div>")
    assert [(b.role, b.name) for b in markdown.bylines] == [
        (Credit.Role.WRITER, "苏建勋"),
        (Credit.Role.EDITOR, "杨轩"),
        (Credit.Role.PHOTO, "视觉中国"),
    ]
    assert [(b.role, b.name) for b in html.bylines] == [
        (Credit.Role.WRITER, "苏建勋"),
        (Credit.Role.SOURCE, "36氪"),
    ]
    assert markdown.body == html.body == "<p>正文</p>"


@pytest.mark.parametrize(
    "anchor",
    [
        '<a class="project-link" data-id="8301" data-name="钉钉" data-logo="https://l/d.png" '
        'data-refer-type="1" href="https://e/8301">钉钉</a>',
        "<a href='https://e/8301' data-refer-type='1' data-logo='https://l/d.png' data-name='钉钉' "
        "data-id='8301' class='project-link'>钉钉</a>",
        "<a data-id=8301 class=project-link data-name=钉钉 data-logo=https://l/d.png data-refer-type=1 "
        "href=https://e/8301>钉钉</a>",
    ],
)
def test_project_links_are_read_in_any_attribute_order_or_quoting(anchor):
    post = parse(f"---\ntitle: t\n---\n<p>据悉，{anchor}完成收购。</p>")
    (link,) = post.links
    assert (link.external_id, link.name, link.logo_url, link.refer_type, link.href, link.text) == (
        "8301",
        "钉钉",
        "https://l/d.png",
        "1",
        "https://e/8301",
        "钉钉",
    )
    assert 'data-id="8301"' in post.body


def test_a_project_link_without_data_id_stays_a_plain_link_with_a_warning():
    post = parse(
        '---\ntitle: t\ndate: 2020-01-01\n---\n<p><a class="project-link" href="https://e/x">未知公司</a></p>'
    )
    assert post.links == []
    assert '<a class="project-link" href="https://e/x">未知公司</a>' in post.body
    assert post.warnings == ["项目链接「未知公司」缺少有效的 data-id（1 到 64 个英文字母、数字、_ 或 -）：保留为普通链接，不记为项目提及"]


def test_a_path_too_long_to_store_fails():
    with pytest.raises(PostError, match="路径过长"):
        parse("---\ntitle: t\n---\nx", path="a/" * 600 + "b.md")


def test_a_project_link_with_an_overlong_data_id_is_not_a_mention():
    anchor = f'<a class="project-link" data-id="{"9" * 65}" href="https://e/x">长编号</a>'
    post = parse(f"---\ntitle: t\ndate: 2020-01-01\n---\n<p>{anchor}</p>")
    assert post.links == []
    assert post.warnings == ["项目链接「长编号」缺少有效的 data-id（1 到 64 个英文字母、数字、_ 或 -）：保留为普通链接，不记为项目提及"]
