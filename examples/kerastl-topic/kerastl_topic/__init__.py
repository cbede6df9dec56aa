"""kerastl-topic: a topic-classification task for kerastl, registered through an entry point."""

from kerastl_topic.topic_task import TopicTask

__all__ = ["TopicTask"]
