import pytest

from articles.services.frontmatter import FrontMatterError, front_matter_read


def test_leading_blank_line_before_separator_is_read_as_hexo_does():
    front = front_matter_read("\n---\ntitle: '标题'\ncomments: false\n---\n\n<div>正文</div>")
    assert front.data == {"title": "标题", "comments": False}
    assert front.content == "\n<div>正文</div>"


def test_yaml_1_2_core_scalars_stay_strings():
    front = front_matter_read("---\ntitle: 12_00\na: on\nb: yes\nc: no\nn: 1950\n---\nbody")
    assert front.data == {"title": "12_00", "a": "on", "b": "yes", "c": "no", "n": 1950}


def test_dates_are_left_for_the_date_parser():
    front = front_matter_read("---\ndate: 2021-03-21 16:41:54\n---\n")
    assert front.data["date"] == "2021-03-21 16:41:54"


def test_broken_yaml_reports_line_and_column():
    with pytest.raises(FrontMatterError) as error:
        front_matter_read('\n---\ntitle: """""""""\'x\'"""""""""\nauthor: a\n---\nbody')
    assert error.value.line == 3
    assert error.value.column == 10


def test_text_without_front_matter_is_all_content():
    front = front_matter_read("# just markdown\n\ntext")
    assert front.data == {} and front.separator is None


@pytest.mark.corpus
def test_reader_agrees_with_hexo_on_the_36kr_corpus(corpus):
    # Titles as Hexo's own parser reads them (../shared/tools/hexo-oracle).
    path = corpus / "hexo-36kr/post/新媒体/12_00.md"
    assert front_matter_read(path.read_text(encoding="utf-8")).data["title"] == "12_00"
    path = corpus / "hexo-36kr/post/新媒体/1950.md"
    assert front_matter_read(path.read_text(encoding="utf-8")).data["title"] == 1950


def test_a_key_without_a_space_after_its_colon_is_pointed_out():
    with pytest.raises(FrontMatterError) as error:
        front_matter_read("title: ok\ndate:2018-10-04\ntags: [a]\n---\nbody")
    assert str(error.value).endswith("；第 2 行的「date:」冒号后缺少空格")
    assert (error.value.line, error.value.column) == (3, 1)


def test_urls_are_not_mistaken_for_keys_without_a_space():
    with pytest.raises(FrontMatterError) as error:
        front_matter_read("---\nlink:\n  http://example.com/a\ntitle: [x\n---\nbody")
    assert "冒号后缺少空格" not in str(error.value)
