"""The Streamlit attention explorer, run headless with Streamlit's own app testing API."""

import os
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
