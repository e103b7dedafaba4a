"""The lecture's running sentence as tokens, and the sentences lessons 03-04 train on by swapping its words.

Taught in notebooks/03_self_attention.ipynb (used again in notebooks/04_multi_head.ipynb): "The animal
didn't cross the street because it was too tired." -- which word does "it" attend to? Here a token is a
lower-cased word (the full stop is one too), so the sentence is 12 tokens and "it" is token 7.
"""

from __future__ import annotations

LECTURE_SENTENCE = "The animal didn't cross the street because it was too tired."
ANIMALS = ("animal", "cat", "cow", "dog", "fox", "horse")  # what "it" can be in the training sentences
PLACES = ("street", "bridge", "field", "river", "road")  # where it did not cross


def tokenize(text: str) -> list[str]:
    """Lower-case words, the full stop as its own token: ``"The cat sat."`` -> ``["the", "cat", "sat", "."]``.

    Taught in notebooks/03_self_attention.ipynb.
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a string, got {type(text).__name__}")
    return text.lower().replace(".", " .").split()


def it_sentence(animal: str = "animal", place: str = "street", adjective: str = "tired") -> list[str]:
    """The lecture's sentence with another animal, place or adjective, as tokens (12 of them).

    Taught in notebooks/03_self_attention.ipynb: ``it_sentence("cat", "river")`` is the tokens of
    "The cat didn't cross the river because it was too tired."; every word sits at the same position.
    """
    for name, word in (("animal", animal), ("place", place), ("adjective", adjective)):
        if not isinstance(word, str) or len(tokenize(word)) != 1 or "." in word:
            raise ValueError(f"{name} must be one word (it keeps every token in its place), got {word!r}")
    return tokenize(f"The {animal} didn't cross the {place} because it was too {adjective}.")
