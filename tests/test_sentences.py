"""The lecture's sentence and the swapped sentences of lessons 03-04 (tokens, positions)."""

import pytest

from attention import ANIMALS, LECTURE_SENTENCE, PLACES, it_sentence, tokenize


def test_tokenize_lower_cases_words_and_splits_off_the_full_stop():
    assert tokenize("The cat sat.") == ["the", "cat", "sat", "."]
    tokens = tokenize(LECTURE_SENTENCE)
    assert len(tokens) == 12 and tokens.index("it") == 7 and tokens[2] == "didn't"


def test_it_sentence_keeps_every_word_in_its_place():
    base = it_sentence()
    assert base == tokenize(LECTURE_SENTENCE)
    for animal in ANIMALS:
        for place in PLACES:
            tokens = it_sentence(animal, place, "wide")
            assert len(tokens) == 12 and tokens[1] == animal and tokens[5] == place and tokens[10] == "wide"
            fixed = [i for i in range(12) if i not in (1, 5, 10)]  # every other word stays where it was
            assert [tokens[i] for i in fixed] == [base[i] for i in fixed]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: tokenize(3), "text must be a string, got int"),
        (lambda: it_sentence("big dog"), r"animal must be one word .*'big dog'"),
        (lambda: it_sentence("cat", "river."), r"place must be one word"),
        (lambda: it_sentence("cat", "river", ""), r"adjective must be one word"),
    ],
)
def test_bad_words_are_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()
