"""`check_tf_config`: say what is wrong with a `TF_CONFIG` before TensorFlow fails on it."""

import json

from kerastl.errors import KerastlError

EXAMPLE = ('{"cluster": {"worker": ["host1:port", "host2:port"]}, "task": {"type": "worker", "index": 0}} '
           "(index 1 on the second worker, and so on)")


def check_tf_config(text):
    """Check that `text` (the `TF_CONFIG` environment variable) describes a cluster and this task.

    Args:
        text: the value of `TF_CONFIG`, or None when it is not set.

    Returns:
        The parsed `TF_CONFIG` as a dict.

    Raises:
        KerastlError: when it is missing, not JSON, names no workers, or its `task` is not one
            of the cluster's.

    Example:

    >>> from kerastl.training.tf_config import check_tf_config
    >>> check_tf_config('{"cluster": {"worker": ["localhost:2222"]}, "task": {"type": "worker", "index": 0}}')["task"]
    {'type': 'worker', 'index': 0}
    """
    if not text:
        raise KerastlError("distribution 'multiworker' needs the TF_CONFIG environment variable to describe the "
                           f"cluster. Fix: set TF_CONFIG on every worker, e.g. {EXAMPLE}.")
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise KerastlError(f"TF_CONFIG is not valid JSON ({error}). Fix: set it to e.g. {EXAMPLE}.") from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    if not isinstance(cluster, dict) or not any(cluster.get(kind) for kind in ("worker", "chief")):
        raise KerastlError("TF_CONFIG names no workers: it needs \"cluster\": {\"worker\": [addresses]}. "
                           f"Fix: set it to e.g. {EXAMPLE}.")
    task = config.get("task")
    if not isinstance(task, dict) or task.get("type") not in cluster or not isinstance(task.get("index"), int):
        raise KerastlError(f"The \"task\" of TF_CONFIG ({task!r}) is not one of its cluster's ({', '.join(cluster)}). "
                           "Fix: give each worker its own \"task\": {\"type\": \"worker\", \"index\": N}, N from 0.")
    addresses = cluster[task["type"]]
    if not 0 <= task["index"] < len(addresses):
        raise KerastlError(f"The task index {task['index']} of TF_CONFIG is out of range: its cluster has "
                           f"{len(addresses)} {task['type']} address(es). Fix: number the workers 0, 1, ... in the "
                           "order of the cluster's addresses.")
    return config
