"""`kerastl tasks`: list the tasks kerastl can train."""

import click


@click.command()
@click.option("--where", is_flag=True, help="Also show where each task is defined.")
def tasks(where):
    """List the registered tasks (built in and from installed plugins)."""
    from kerastl.tasks import available_tasks, task_registry

    for name in available_tasks():
        if where:
            found = task_registry.find(name)
            origin = f"plugin {found['plugin']}" if found["plugin"] else "built in"
            click.echo(f"{name}\t{found['module']}\t{origin}\t{found['file']}:{found['line']}")
        else:
            click.echo(name)
