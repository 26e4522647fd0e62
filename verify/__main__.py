"""`python -m verify` runs the command line."""

from .cli import main

main()
