"""The bodies of the ``remon`` commands that need more than a few lines (``remon.cli`` parses the options)."""
