"""`python -m gisapp …` runs the `gisapp` command."""

from gisapp.cli import main

main()
