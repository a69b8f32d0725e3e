"""Arabic text layer: cleaning with offsets, normalization for matching, sentences, tokens."""

from rasid.text.clean import clean
from rasid.text.normalize import nisba_like, normalize, strip_clitics
from rasid.text.sentences import split_sentences
from rasid.text.tokenize import tokenize

__all__ = ["clean", "nisba_like", "normalize", "split_sentences", "strip_clitics", "tokenize"]
