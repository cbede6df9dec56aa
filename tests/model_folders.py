"""What the model-folder tests share: a saved tiny sentiment model to copy and damage, and JSON edits."""

import json

TRAIN = [("a great film", "positive"), ("a dull film", "negative")]


def save_tiny_sentiment(backbone, folder):
    """A tiny sentiment model (built, not trained: loading is what is tested) saved into `folder`."""
    from kerastl.tasks import SentimentTask

    task = SentimentTask(str(backbone), max_length=16)
    task.prepare(task.read(TRAIN))
    task.save(folder)
    return folder


def edit_json(path, edit):
    """Rewrite the JSON file `path` with `edit(content)`: what it returns, or the content it changed in place."""
    content = json.loads(path.read_text())
    edited = edit(content)
    path.write_text(json.dumps(content if edited is None else edited))


def set_everywhere(key, value):
    """An edit that sets `key` to `value` in every object of a JSON value that has it."""
    def edit(config):
        pending = [config]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                if key in item:
                    item[key] = value
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
        return config
    return edit
