"""Shared preprocessing: tokenize once, pack special tokens, batch examples of similar length."""

from kerastl.preprocessing.length_grouped_batches import length_grouped_batches
from kerastl.preprocessing.special_tokens import SpecialTokens
from kerastl.preprocessing.text_tokenization import tokenize_texts

__all__ = ["SpecialTokens", "length_grouped_batches", "tokenize_texts"]
