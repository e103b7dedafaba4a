"""Attention explorer: type a sentence, see a real pretrained model's attention for one layer and head.

Run it with `make app` (that is `streamlit run app/attention_explorer.py` from the repository root, which reads
the settings in .streamlit/config.toml: no usage statistics, no external address looked up). The lecture's demo plots a
random matrix; this one shows all-MiniLM-L6-v2's real weights, computed offline.
Taught in notebooks/08_real_attention.ipynb.

In English by default; in Chinese with the sidebar's language choice or the address `?lang=zh`. Every word the app
shows comes from TEXT, one dict per language with the same keys (tests/test_app.py checks both).
"""

import os
import re
import warnings

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in a Python package: never ask the hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import streamlit as st  # noqa: E402

from attention import load_pretrained, plot_heatmap, pretrained_attention  # noqa: E402
from attention.fonts import use_chinese_font  # noqa: E402

DEFAULT_SENTENCE = "The animal didn't cross the street because it was too tired."
LANGUAGES = {"en": "English", "zh": "中文"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

TEXT = {
    "en": {
        "page_title": "Attention explorer",
        "title": "Attention explorer",
        "language": "Language · 语言",
        "caption": "all-MiniLM-L6-v2 (6 layers x 12 heads), running on this computer with no network.",
        "sentence": "Sentence",
        "sentence_help": "The model was trained on English text: type an English sentence.",
        "layer": "Layer",
        "head": "Head",
        "k": "Strongest links to list",
        "skip_special": "Leave [CLS], [SEP] and punctuation out of the links",
        "empty": "The sentence is empty: type at least one word.",
        "too_long": "The sentence is {tokens} tokens long, but the model reads at most {limit} ([CLS] and [SEP] "
        "included): shorten it.",
        "unknown": "{unknown} of the {words} tokens are [UNK]: the model's vocabulary is English, so it cannot tell "
        "those characters apart and their attention means little. Use an English sentence.",
        "chinese": "The model was trained on English only: Chinese characters are mostly [UNK] to it. The Chinese "
        "edition of the course keeps the lecture's English sentence for that reason.",
        "tokens": "Tokens",
        "heatmap_title": "layer {layer}, head {head}",
        "links": "Strongest links",
        "from": "from (query)",
        "to": "to (key)",
        "weight": "weight",
        "note": "A weight says how much of one token's value vector is mixed into another's; it is not an explanation "
        "of what the model decides. Compare heads and layers, and change a word to see what moves.",
    },
    "zh": {
        "page_title": "注意力浏览器",
        "title": "注意力浏览器",
        "language": "Language · 语言",
        "caption": "all-MiniLM-L6-v2（6 层 × 12 个头），在这台电脑上运行，不联网。",
        "sentence": "句子",
        "sentence_help": "这个模型只用英文训练过：请输入一个英文句子。",
        "layer": "层",
        "head": "头",
        "k": "列出最强的几条连接",
        "skip_special": "连接里不列 [CLS]、[SEP] 和标点",
        "empty": "句子是空的：至少输入一个词。",
        "too_long": "这个句子有 {tokens} 个词元，模型最多只读 {limit} 个（含 [CLS] 和 [SEP]）：请把它缩短。",
        "unknown": "{words} 个词元里有 {unknown} 个是 [UNK]：模型的词表是英文的，分不清这些字符，它们的注意力"
        "没有多少意义。请换成英文句子。",
        "chinese": "这个模型只学过英文，汉字对它来说大多是 [UNK]。所以课程的中文版也沿用讲义里的英文例句。",
        "tokens": "词元",
        "heatmap_title": "第 {layer} 层，第 {head} 个头",
        "links": "最强的连接",
        "from": "从（查询）",
        "to": "到（键）",
        "weight": "权重",
        "note": "权重说的是一个词元的值向量有多少被混进另一个词元；它并不解释模型为什么这样决定。"
        "比较不同的头和层，改一个词，看看什么跟着变。",
    },
}


def code_span(text: str) -> str:
    """``text`` as Markdown inline code, whatever backticks it holds (a fence longer than any run inside it)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""  # CommonMark strips one space on each side, so a backtick can start or end it
    return f"{fence}{pad}{text}{pad}{fence}"


def choose_language() -> str:
    """The UI language: the sidebar's choice, first taken from the address (`?lang=zh`); English by default."""
    requested = st.query_params.get("lang", "en")
    if requested not in TEXT:
        requested = "en"
    codes = list(LANGUAGES)
    lang = st.sidebar.radio(
        TEXT[requested]["language"], codes, index=codes.index(requested), format_func=LANGUAGES.get, key="lang"
    )
    if lang == "en":
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = lang  # a link to this page keeps the language
    return lang


def error_message(error: ValueError, t: dict[str, str], limit: int) -> str:
    """The library's error about the sentence, in the UI's language."""
    message = str(error)
    if "is empty" in message:
        return t["empty"]
    too_long = re.match(r"input is (\d+) tokens long", message)
    if too_long:
        return t["too_long"].format(tokens=too_long[1], limit=limit)
    return message


def main() -> None:
    lang = choose_language()
    t = TEXT[lang]
    st.set_page_config(page_title=t["page_title"], layout="wide")
    if lang == "zh":
        use_chinese_font()  # the heatmap's Chinese title, on machines with no CJK font
    st.title(t["title"])
    st.caption(t["caption"])
    model = load_pretrained()
    text = st.text_input(t["sentence"], value=DEFAULT_SENTENCE, key="text", help=t["sentence_help"])
    left, middle, right = st.columns(3)
    layer = left.selectbox(t["layer"], list(range(model.num_layers)), index=3, key="layer")
    head = middle.selectbox(t["head"], list(range(model.num_heads)), index=1, key="head")
    k = right.slider(t["k"], min_value=1, max_value=20, value=5, key="k")
    skip_special = st.checkbox(t["skip_special"], value=True, key="skip_special")

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # [UNK] tokens: said below, in the UI's language
            result = pretrained_attention(text)
    except ValueError as error:
        st.error(error_message(error, t, model.max_tokens))
        st.stop()

    words = [token for token in result.tokens if token not in ("[CLS]", "[SEP]")]
    unknown = words.count("[UNK]")
    if unknown or CJK.search(text):
        parts = [t["unknown"].format(unknown=unknown, words=len(words))] if unknown else []
        st.warning(("" if lang == "zh" else " ").join(parts + ([t["chinese"]] if CJK.search(text) else [])))

    st.subheader(t["tokens"])
    st.markdown(" ".join(code_span(f"{i}:{token}") for i, token in enumerate(result.tokens)))

    T = len(result.tokens)
    weights = result.attentions[layer, head]  # (T, T)
    side = min(0.42 * T + 3.0, 18.0)
    fig, ax = plt.subplots(figsize=(side, side * 0.85))
    title = t["heatmap_title"].format(layer=layer, head=head)
    plot_heatmap(weights, result.tokens, result.tokens, ax=ax, annotate=T <= 20, title=title)
    st.pyplot(fig)
    plt.close(fig)

    st.subheader(t["links"])
    links = result.strongest_links(layer, head, k=k, skip_special=skip_special)
    st.table([{t["from"]: q, t["to"]: key, t["weight"]: round(w, 3)} for q, key, w in links])
    st.caption(t["note"])


main()
