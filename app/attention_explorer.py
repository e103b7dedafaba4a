"""Attention explorer: type a sentence, see a real pretrained model's attention for one layer and head.

Run it with `make app` (that is `streamlit run app/attention_explorer.py` from the repository root, which reads
the settings in .streamlit/config.toml: no usage statistics, no external address looked up). The lecture's demo plots a
random matrix; this one shows all-MiniLM-L6-v2's real weights, computed offline.
Taught in notebooks/08_real_attention.ipynb.
"""

import os
import re

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model ships in a Python package: never ask the hub
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import streamlit as st  # noqa: E402

from attention import load_pretrained, plot_heatmap, pretrained_attention  # noqa: E402

DEFAULT_SENTENCE = "The animal didn't cross the street because it was too tired."


def code_span(text: str) -> str:
    """``text`` as Markdown inline code, whatever backticks it holds (a fence longer than any run inside it)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""  # CommonMark strips one space on each side, so a backtick can start or end it
    return f"{fence}{pad}{text}{pad}{fence}"


def main() -> None:
    st.set_page_config(page_title="Attention explorer", layout="wide")
    st.title("Attention explorer")
    st.caption("all-MiniLM-L6-v2 (6 layers x 12 heads), running on this computer with no network.")
    model = load_pretrained()
    text = st.text_input("Sentence", value=DEFAULT_SENTENCE, key="text")
    left, middle, right = st.columns(3)
    layer = left.selectbox("Layer", list(range(model.num_layers)), index=3, key="layer")
    head = middle.selectbox("Head", list(range(model.num_heads)), index=1, key="head")
    k = right.slider("Strongest links to list", min_value=1, max_value=20, value=5, key="k")
    skip_special = st.checkbox("Leave [CLS], [SEP] and punctuation out of the links", value=True, key="skip_special")

    try:
        result = pretrained_attention(text)
    except ValueError as error:
        st.error(str(error))
        st.stop()

    st.subheader("Tokens")
    st.markdown(" ".join(code_span(f"{i}:{token}") for i, token in enumerate(result.tokens)))

    T = len(result.tokens)
    weights = result.attentions[layer, head]  # (T, T)
    side = min(0.42 * T + 3.0, 18.0)
    fig, ax = plt.subplots(figsize=(side, side * 0.85))
    plot_heatmap(weights, result.tokens, result.tokens, ax=ax, annotate=T <= 20, title=f"layer {layer}, head {head}")
    st.pyplot(fig)
    plt.close(fig)

    st.subheader("Strongest links")
    links = result.strongest_links(layer, head, k=k, skip_special=skip_special)
    st.table([{"from (query)": q, "to (key)": key, "weight": round(w, 3)} for q, key, w in links])
    st.caption(
        "A weight says how much of one token's value vector is mixed into another's; it is not an explanation of "
        "what the model decides. Compare heads and layers, and change a word to see what moves."
    )


main()
