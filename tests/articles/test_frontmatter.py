import functools

import pytest

from articles.hexo.frontmatter import (
    MAX_DEPTH,
    MAX_NODES,
    FrontMatterError,
    FrontMatterLimitError,
    front_matter_read,
)


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


# --- hostile front matter: refused before any data is built ---------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "key: " + "[" * 30_000 + "]" * 30_000,  # flow sequences (SIGSEGV in libyaml's composer)
        "key: " + "{a: " * 30_000 + "1" + "}" * 30_000,  # flow mappings
        "key:\n  " + "- " * 30_000 + "x",  # compact block sequences on one line
        "".join("  " * level + f"k{level}:\n" for level in range(200)) + "  " * 200 + "v: 1",
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences", "indented-mappings"],
)
def test_yaml_nested_deeper_than_the_limit_is_refused_before_loading(raw):
    with pytest.raises(FrontMatterLimitError, match="嵌套过深（超过 64 层）") as error:
        front_matter_read(f"---\ntitle: x\n{raw}\n---\nbody")
    assert error.value.line >= 3 and error.value.column >= 1


def test_yaml_nested_to_the_limit_is_read():
    levels = MAX_DEPTH - 1  # under the top-level mapping
    front = front_matter_read("---\nkey: " + "[" * levels + "]" * levels + "\n---\nbody")
    assert front.data["key"] == functools.reduce(lambda inner, _level: [inner], range(levels - 1), [])


def test_a_yaml_alias_bomb_is_refused_before_anything_expands_it():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    with pytest.raises(FrontMatterLimitError, match="别名炸弹") as error:
        front_matter_read("---\n" + "\n".join(lines) + "\n---\nbody")
    assert error.value.line == 7  # where the running total first passes the limit


def test_aliases_that_nest_past_the_depth_limit_are_refused():
    lines = [
        "a0: &a0 " + "[" * 40 + "]" * 40,
        "a1: &a1 [*a0]",
        "a2: [[[[[[[[[[[[[[[[[[[[[[[[*a1]]]]]]]]]]]]]]]]]]]]]]]]",
    ]
    with pytest.raises(FrontMatterLimitError, match="嵌套过深"):
        front_matter_read("---\n" + "\n".join(lines) + "\n---\nbody")


@pytest.mark.parametrize("raw", ["key: &a [1, *a]", "key: &a {self: *a}"])
def test_a_recursive_alias_is_refused(raw):
    with pytest.raises(FrontMatterLimitError, match=r"别名 \*a 引用了包含它自己的节点"):
        front_matter_read(f"---\n{raw}\n---\nbody")


def test_ordinary_anchors_and_aliases_still_work():
    front = front_matter_read("---\nbase: &tags [新闻, 科技]\ntags: *tags\nmore: [*tags, *tags]\n---\nbody")
    assert front.data["tags"] == ["新闻", "科技"]
    assert front.data["more"] == [["新闻", "科技"], ["新闻", "科技"]]


def test_json_front_matter_nested_too_deep_is_refused():
    for levels in (100, 100_000):  # under and over the C decoder's own recursion limit
        with pytest.raises(FrontMatterLimitError, match="嵌套过深"):
            front_matter_read(';;;\n"key": ' + "[" * levels + "]" * levels + "\n;;;\nbody")
    assert front_matter_read(';;;\n"key": [[1]]\n;;;\nbody').data == {"key": [[1]]}


def test_json_front_matter_with_too_many_values_is_refused():
    values = ",".join(["1"] * (MAX_NODES + 1))
    with pytest.raises(FrontMatterLimitError, match="值过多"):
        front_matter_read(f';;;\n"key": [{values}]\n;;;\nbody')
