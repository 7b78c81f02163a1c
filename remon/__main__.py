"""``python -m remon``: the command line (how ``remon run`` starts its supervised worker)."""

from remon.cli import main

main()
