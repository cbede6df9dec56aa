"""Losses kerastl's tasks train with."""

from kerastl.losses.class_weighted_crossentropy import ClassWeightedCrossentropy
from kerastl.losses.smoothed_token_crossentropy import SmoothedTokenCrossentropy

__all__ = ["ClassWeightedCrossentropy", "SmoothedTokenCrossentropy"]
