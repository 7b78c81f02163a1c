"""Adapters at the top: the ``remon`` command line and the review web app.

They read and write through ``storage`` and call ``worker``/``tasks``; no domain logic here.
"""
