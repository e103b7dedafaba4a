"""The Streamlit attention explorer, run headless with Streamlit's own app testing API."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

_backend = os.environ.get("MPLBACKEND")
AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
# Importing streamlit sets MPLBACKEND=Agg for the whole process; notebook kernels that nbval starts later in the same
# pytest run would inherit it and show no figures. Put it back.
if _backend is None:
    os.environ.pop("MPLBACKEND", None)
else:
    os.environ["MPLBACKEND"] = _backend

APP = Path(__file__).resolve().parents[1] / "app" / "attention_explorer.py"
TIMEOUT = 120  # the first run loads the model


@pytest.fixture
def app():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _links(at):
    return at.table[0].value  # a pandas DataFrame: from (query), to (key), weight


def test_default_sentence_shows_it_to_animal(app):
    assert app.selectbox(key="layer").value == 3 and app.selectbox(key="head").value == 1
    assert any("`2:animal`" in m.value and "`10:it`" in m.value for m in app.markdown)
    links = _links(app)
    assert list(links.columns) == ["from (query)", "to (key)", "weight"]
    assert len(links) == 5
    assert (links.iloc[0]["from (query)"], links.iloc[0]["to (key)"]) == ("it", "animal")
    assert links.iloc[0]["weight"] > 0.5


def test_new_sentence_layer_and_head(app):
    app.text_input(key="text").input("The cat sat on the mat.").run()
    app.selectbox(key="layer").select(0).run()
    app.selectbox(key="head").select(5).run()
    app.slider(key="k").set_value(3).run()
    assert not app.exception
    links = _links(app)
    assert len(links) == 3
    tokens = {"the", "cat", "sat", "on", "mat"}
    assert set(links["from (query)"]) <= tokens and set(links["to (key)"]) <= tokens
    assert list(links["weight"]) == sorted(links["weight"], reverse=True)


def test_special_tokens_can_be_shown(app):
    app.checkbox(key="skip_special").uncheck().run()
    links = _links(app)
    assert {"[CLS]", "[SEP]"} & (set(links["from (query)"]) | set(links["to (key)"]))


def test_empty_sentence_shows_an_error(app):
    app.text_input(key="text").input("   ").run()
    assert not app.exception
    assert len(app.error) == 1 and "empty" in app.error[0].value
    assert len(app.table) == 0


def _code_spans(markdown: str) -> list[str]:
    from markdown_it import MarkdownIt

    inline = MarkdownIt("commonmark").parseInline(markdown)[0].children
    return [t.content for t in inline if t.type == "code_inline"]


def test_tokens_with_backticks_stay_one_code_span_each(app):
    app.text_input(key="text").input("Use `x` or ``y`` here").run()
    assert not app.exception
    line = next(m.value for m in app.markdown if "0:[CLS]" in m.value)
    spans = _code_spans(line)
    assert spans[0] == "0:[CLS]" and spans[-1].endswith(":[SEP]")
    assert [s.split(":", 1)[1] for s in spans].count("`") == 6, spans  # every backtick token is its own code span
    assert all(s.split(":", 1)[0].isdigit() for s in spans)


def test_plain_streamlit_run_uses_the_offline_settings():
    """`streamlit run app/attention_explorer.py` from the root, without `make app`: no statistics, no IP lookup."""
    probe = (
        "from streamlit import config; config.get_config_options(force_reparse=True); "
        "print(config.get_option('browser.gatherUsageStats'), config.is_manually_set('browser.serverAddress'), "
        "config.get_option('browser.serverAddress'))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=APP.parents[1], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "localhost"], out.stdout + out.stderr


# ---- the Chinese UI: ?lang=zh or the sidebar's language choice; every word from the app's TEXT["zh"] ----


def _explorer_module():
    """The app's module-level names (TEXT, LANGUAGES) without running the app: its source up to main()."""
    source = APP.read_text(encoding="utf-8").rsplit("\nmain()", 1)[0]
    names: dict = {"__name__": "explorer_texts"}
    exec(compile(source, str(APP), "exec"), names)  # noqa: S102 - our own file
    return names


@pytest.fixture
def app_zh():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception, at.exception
    return at


def test_both_languages_have_the_same_texts_with_the_same_placeholders():
    import string

    text = _explorer_module()["TEXT"]
    assert set(text) == {"en", "zh"} and set(text["en"]) == set(text["zh"])
    for key, english in text["en"].items():
        fields = {name for _, name, _, _ in string.Formatter().parse(english) if name}
        chinese = text["zh"][key]
        assert fields == {name for _, name, _, _ in string.Formatter().parse(chinese) if name}, key
        assert re.search(r"[\u4e00-\u9fff]", chinese), f"TEXT['zh'][{key!r}] is not Chinese: {chinese!r}"


def test_english_is_the_default(app):
    assert app.title[0].value == "Attention explorer"
    assert app.radio(key="lang").value == "en"
    assert "lang" not in app.query_params


def test_lang_zh_shows_every_label_in_chinese(app_zh):
    zh = _explorer_module()["TEXT"]["zh"]
    assert app_zh.title[0].value == "注意力浏览器"
    assert app_zh.caption[0].value == zh["caption"]
    assert app_zh.text_input(key="text").label == "句子" and app_zh.text_input(key="text").help == zh["sentence_help"]
    assert (app_zh.selectbox(key="layer").label, app_zh.selectbox(key="head").label) == ("层", "头")
    assert app_zh.slider(key="k").label == zh["k"] and app_zh.checkbox(key="skip_special").label == zh["skip_special"]
    assert [s.value for s in app_zh.subheader] == ["词元", "最强的连接"]
    assert app_zh.caption[-1].value == zh["note"]
    links = _links(app_zh)
    assert list(links.columns) == ["从（查询）", "到（键）", "权重"]
    assert (links.iloc[0]["从（查询）"], links.iloc[0]["到（键）"]) == ("it", "animal")  # the same model, the same answer
    assert len(app_zh.warning) == 0  # the default sentence is English: nothing to warn about


def test_the_sidebar_switches_the_language_and_the_address_keeps_it(app):
    app.radio(key="lang").set_value("zh").run()
    assert not app.exception
    assert app.title[0].value == "注意力浏览器" and app.query_params["lang"] in ("zh", ["zh"])
    app.radio(key="lang").set_value("en").run()
    assert app.title[0].value == "Attention explorer" and "lang" not in app.query_params


def test_chinese_messages_for_bad_input(app_zh):
    app_zh.text_input(key="text").input("   ").run()
    assert not app_zh.exception
    assert [e.value for e in app_zh.error] == ["句子是空的：至少输入一个词。"] and len(app_zh.table) == 0
    app_zh.text_input(key="text").input("spicy " * 600).run()
    assert not app_zh.exception
    assert len(app_zh.error) == 1 and "个词元，模型最多只读 512 个" in app_zh.error[0].value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chinese_text_is_not_silently_unk(lang):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.text_input(key="text").input("我想吃点辣的，辣子鸡").run()
    assert not at.exception
    assert len(at.warning) == 1
    message = at.warning[0].value
    if lang == "zh":
        assert "10 个词元里有 6 个是 [UNK]" in message and "只学过英文" in message
    else:
        assert "6 of the 10 tokens are [UNK]" in message and "English only" in message
    assert any("[UNK]" in m.value for m in at.markdown)  # the tokens are still shown, with the warning above them


def test_chinese_heatmap_title_draws_with_no_missing_glyphs():
    import warnings

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params["lang"] = "zh"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        at.run()
    assert not at.exception
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    import matplotlib

    assert "Course Sans SC" in matplotlib.rcParams["font.family"]  # the course's CJK font drew "第 3 层，第 1 个头"
