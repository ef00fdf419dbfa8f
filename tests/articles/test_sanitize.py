import pytest

from articles.sanitize import clean_html

PROJECT_LINK = (
    '<a class="project-link" data-id="8301" data-name="钉钉" '
    'data-logo="https://img.36krcdn.com/logo" data-refer-type="1" '
    'href="https://www.36dianping.com/space/2220121250" target="_blank">钉钉</a>'
)


def test_keeps_project_link_anchor_and_data_attributes():
    html = f"<p>据悉，{PROJECT_LINK}已完成收购。</p>"
    assert clean_html(html) == html


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<p>a<script>alert(1)</script></p>", "alert"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ('<form action="/x"><input name="q"></form>', "form"),
        ('<p style="color:red" onclick="x()">t</p>', "onclick"),
        ("<style>body{display:none}</style><p>t</p>", "display"),
        ("<svg><script>alert(1)</script></svg>", "svg"),
        ('<a class="evil project-link" data-foo="1" href="/x">x</a>', "evil"),
    ],
)
def test_strips_dangerous_markup(dirty, forbidden):
    assert forbidden not in clean_html(dirty).lower()


def test_unknown_data_attributes_are_dropped():
    assert "data-foo" not in clean_html('<a class="project-link" data-foo="1" data-id="1">x</a>')


def test_keeps_newsroom_structure():
    html = (
        "<h2>小标题</h2><blockquote><p>引用</p></blockquote><ul><li>一</li></ul>"
        '<figure class="table"><table><tbody><tr><td colspan="2">表</td></tr></tbody></table></figure>'
        '<figure class="image"><img src="https://img.example.com/a.jpg" alt="图"><figcaption>说明</figcaption></figure>'
        '<pre><code class="language-python">print(1)</code></pre>'
    )
    assert clean_html(html) == html


def test_cleaning_is_idempotent():
    once = clean_html('<div><p onclick="x">a <b>b</b><a href="/x" target="_top">c</a></p><!-- note --></div>')
    assert clean_html(once) == once


def test_comments_are_removed():
    assert "secret" not in clean_html("<p>a</p><!-- secret -->")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<blockquote cite="javascript:alert(1)"><p>x</p></blockquote>', "<blockquote><p>x</p></blockquote>"),
        ('<p><q cite=" vbscript:x">q</q></p>', "<p><q>q</q></p>"),
        ('<p><img src="/a.png" srcset="javascript:alert(1) 1x, /b.png 2x"></p>', '<p><img src="/a.png"></p>'),
        ('<p><img src="/a.png" srcset="/a.png 1x, data:image/png;base64,AA 2x"></p>', '<p><img src="/a.png"></p>'),
        (
            '<p><a class="project-link" data-id="1" data-logo="java&#9;script:alert(1)" href="https://e.com">x</a></p>',
            '<p><a class="project-link" data-id="1" href="https://e.com">x</a></p>',
        ),
    ],
)
def test_url_attributes_beyond_href_and_src_keep_only_http_or_relative_urls(html, expected):
    assert clean_html(html) == expected


def test_safe_url_attributes_are_kept():
    html = (
        '<blockquote cite="https://example.com/src"><p>x</p></blockquote>'
        '<p><img src="/a.png" srcset="/a.png 1x, https://img.example.com/b.png 2x"></p>'
    )
    assert clean_html(html) == html


@pytest.mark.parametrize("levels", [101, 3000, 200_000])
def test_html_nested_past_the_bound_is_refused_quickly_with_our_own_error(levels):
    from articles.sanitize import HtmlTooDeepError

    with pytest.raises(HtmlTooDeepError):
        clean_html("<div>" * levels + "x" + "</div>" * levels)
    with pytest.raises(HtmlTooDeepError):
        clean_html("<blockquote>" * levels)


def test_html_within_the_bound_is_cleaned_as_always():
    html = "<blockquote>" * 100 + "<p>x</p>" + "</blockquote>" * 100
    assert clean_html(html) == html
    assert clean_html("<p>a" * 5000).count("<p>") == 5000  # unclosed paragraphs do not nest
