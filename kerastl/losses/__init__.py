"""Losses kerastl's tasks train with."""

from kerastl.losses.smoothed_token_crossentropy import SmoothedTokenCrossentropy

__all__ = ["SmoothedTokenCrossentropy"]
