"""`python -m kerastl` runs the command line, like the `kerastl` script."""

from kerastl.cli.main import main

main()
