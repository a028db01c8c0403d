"""`python -m disclo_cli …`: the same as the `disclo` command, for a PC where the script is not on PATH."""

from disclo_cli.cli import run

run()
