"""The `kerastl` command line: thin click commands over library functions."""
