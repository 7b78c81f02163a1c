"""The ``remon`` commands, one module per command group: options, checks and output (``remon.cli``
only maps names to them; ``context`` gives every one its settings, runtime and database)."""
