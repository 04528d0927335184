"""`python -m glutewake` runs the same command line as `glutewake`."""

from glutewake.cli import main

main()
