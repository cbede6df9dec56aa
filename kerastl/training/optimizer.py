"""`warmup_cosine_adamw`: the optimizer kerastl fine-tunes and pretrains with."""

import keras

#: Variables AdamW does not decay: biases and normalization scales and offsets.
NO_DECAY = ("bias", "gamma", "beta", "layer_norm")


def warmup_cosine_adamw(learning_rate, total_steps, *, warmup_ratio=0.1, weight_decay=0.01, final_fraction=0.0,
                        no_decay=NO_DECAY, accumulate_steps=1):
    """AdamW with a linear warmup to `learning_rate`, then cosine decay, gradients clipped to norm 1.

    Args:
        learning_rate: the peak learning rate, reached at the end of the warmup.
        total_steps: the training batches of the whole run.
        warmup_ratio: the fraction of `total_steps` spent warming up (0: start at the peak).
        weight_decay: AdamW's decoupled weight decay.
        final_fraction: the learning rate at the last step, as a fraction of the peak.
        no_decay: names of variables left out of the weight decay.
        accumulate_steps: apply an update every this many batches, with their mean gradient
            (Keras' gradient accumulation): the effective batch is this many batches, at the
            memory of one. The schedule counts updates, `total_steps // accumulate_steps`.

    Returns:
        A `keras.optimizers.AdamW`.

    Example:

    >>> from kerastl.training.optimizer import warmup_cosine_adamw
    >>> optimizer = warmup_cosine_adamw(5e-5, total_steps=1000)
    >>> round(float(optimizer.learning_rate), 12)  # step 0 of the warmup
    0.0
    """
    total_steps = max(total_steps // accumulate_steps, 1)
    warmup = int(warmup_ratio * total_steps)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0 if warmup else learning_rate,
        decay_steps=max(total_steps - warmup, 1),
        alpha=final_fraction,
        warmup_target=learning_rate if warmup else None,
        warmup_steps=warmup,
    )
    optimizer = keras.optimizers.AdamW(learning_rate=schedule, weight_decay=weight_decay, clipnorm=1.0,
                                       gradient_accumulation_steps=accumulate_steps if accumulate_steps > 1 else None)
    optimizer.exclude_from_weight_decay(var_names=list(no_decay))
    return optimizer
