"""Shared preprocessing: tokenize once, pack special tokens and text pairs, batch examples of similar length."""

from kerastl.preprocessing.fixed_pipeline import fixed_pipeline
from kerastl.preprocessing.length_grouped_batches import length_grouped_batches
from kerastl.preprocessing.pair_packing import pack_token_id_pairs, tokenize_text_pairs
from kerastl.preprocessing.special_tokens import SpecialTokens
from kerastl.preprocessing.text_tokenization import tokenize_texts

__all__ = ["SpecialTokens", "fixed_pipeline", "length_grouped_batches", "pack_token_id_pairs", "tokenize_text_pairs", "tokenize_texts"]
