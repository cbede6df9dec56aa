"""`is_chief`: whether this process of a (multi-worker) training run writes the files."""

import json
import os


def is_chief(strategy):
    """Whether this process writes files: always without a strategy or with a local one; with
    several workers, only the chief (or worker 0 when the cluster names no chief)."""
    resolver = getattr(strategy, "cluster_resolver", None) if strategy is not None else None
    if resolver is None or not getattr(resolver, "task_type", None):
        return True
    cluster = json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    if "chief" in cluster:
        return resolver.task_type == "chief"
    return resolver.task_type == "worker" and resolver.task_id == 0
