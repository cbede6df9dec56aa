"""`kerastl report DIR`: one self-contained HTML page about a training run."""

import click


@click.command()
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--output", type=click.Path(dir_okay=False),
              help="The HTML file to write (default: FOLDER/report.html).")
def report(folder, output):
    """Write an HTML page with the figures and tables of the run saved in FOLDER.

    FOLDER is the --output folder of `kerastl train`; the page inlines its images, so it can
    be mailed or archived on its own.
    """
    from kerastl.reporting import write_html_report

    click.echo(f"Wrote {write_html_report(folder, output)}")
