import pytest

from kerastl.errors import TaskRegistrationError, UnknownTaskError
from kerastl.tasks import available_tasks, get_task
from kerastl.tasks.registry import TaskRegistry


class FirstTask:
    pass


class SecondTask:
    pass


def test_register_by_decorator_and_by_call():
    registry = TaskRegistry(entry_point_group=None)
    registry.register("first", FirstTask)

    @registry.register("second")
    class Decorated:
        pass

    assert registry.get("first") is FirstTask
    assert registry.get("second") is Decorated
    assert registry.names() == ["first", "second"]
    assert FirstTask.name == "first"


def test_a_taken_name_is_an_error_that_names_both_classes():
    registry = TaskRegistry(entry_point_group=None)
    registry.register("topic", FirstTask)
    registry.register("topic", FirstTask)  # the same class again is fine
    with pytest.raises(TaskRegistrationError, match=r"already taken by .*FirstTask.*SecondTask cannot claim it"):
        registry.register("topic", SecondTask)


def test_unknown_name_lists_the_available_ones():
    registry = TaskRegistry(entry_point_group=None)
    registry.register("alpha", FirstTask)
    with pytest.raises(UnknownTaskError, match=r"Unknown task 'beta'\. Available tasks: alpha"):
        registry.get("beta")


def test_find_tells_where_a_task_is_defined():
    registry = TaskRegistry(entry_point_group=None)
    registry.register("first", FirstTask)
    found = registry.find("first")
    assert found["module"] == __name__
    assert found["file"].endswith("test_registry.py")
    assert found["plugin"] is None and found["line"] > 0


def test_entry_points_are_listed_once_and_loaded_lazily(monkeypatch):
    loads = []

    class FakeEntryPoint:
        name = "lazy"
        dist = None

        def load(self):
            loads.append(self.name)
            return SecondTask

    listings = []

    def fake_entry_points(group):
        listings.append(group)
        return [FakeEntryPoint()]

    monkeypatch.setattr("importlib.metadata.entry_points", fake_entry_points)
    registry = TaskRegistry(entry_point_group="kerastl.tasks")
    assert "lazy" in registry.names() and loads == []
    assert registry.get("lazy") is SecondTask
    assert registry.get("lazy") is SecondTask
    assert loads == ["lazy"] and listings == ["kerastl.tasks"]


def test_built_in_tasks_are_registered():
    assert {"classification", "sentiment", "ner", "translation"} <= set(available_tasks())
    assert get_task("classification").__name__ == "ClassificationTask"
    assert get_task("sentiment") is get_task("classification")  # the alias
    assert get_task("sentiment").name == "classification"


def test_an_alias_cannot_take_a_name_another_task_holds():
    registry = TaskRegistry(entry_point_group=None)
    registry.register("first", FirstTask, aliases=("old_first",))
    assert registry.get("old_first") is FirstTask and registry.name_of(FirstTask) == "first"
    assert "old_first" in registry.names()
    with pytest.raises(TaskRegistrationError, match="'old_first' is already taken"):
        registry.register("second", SecondTask, aliases=("old_first",))


def test_a_model_saved_as_sentiment_loads_as_classification(tiny_backbone, tmp_path):
    """A folder written when the task was `kerastl.tasks.sentiment.SentimentTask` loads and predicts."""
    import json

    import kerastl
    from kerastl.tasks import ClassificationTask

    task = ClassificationTask(str(tiny_backbone), max_length=16)
    task.prepare(task.read([("a great film", "positive"), ("a dull film", "negative")]))
    task.save(tmp_path / "model")
    description_file = tmp_path / "model" / "kerastl.json"
    description = json.loads(description_file.read_text())
    assert description["task"] == "classification"
    description.update(task="sentiment", task_class="kerastl.tasks.sentiment.SentimentTask")
    description_file.write_text(json.dumps(description))
    loaded = kerastl.load(tmp_path / "model")
    assert type(loaded) is ClassificationTask
    assert loaded.predict(["a great film"])[0].label in ("positive", "negative")


def test_a_subclass_does_not_inherit_its_parents_registered_name():
    registry = TaskRegistry(entry_point_group=None)
    registry.register("first", FirstTask)

    class Child(FirstTask):
        pass

    assert registry.name_of(FirstTask) == "first"
    assert registry.name_of(Child) is None


def test_saving_an_unregistered_subclass_says_how_to_register(tiny_backbone, tmp_path):
    from kerastl.errors import KerastlError
    from kerastl.tasks import SentimentTask

    class MyTask(SentimentTask):
        pass

    task = MyTask(str(tiny_backbone))
    task.fit([("good", "a"), ("bad", "b")], epochs=1, verbose=0)
    with pytest.raises(KerastlError, match="register_task"):
        task.save(tmp_path / "model")
    assert not (tmp_path / "model").exists()
