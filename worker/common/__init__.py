"""Helpers every stage may use and that use no stage: the bottom layer of ``worker/``.

Text that must not reach storage (``clean``), dates as sources print them (``dates``), secrets
masked out of notification URLs (``mask``), "is this Chinese/Japanese/Korean" (``cjk``) and the
one loader of packaged YAML data files (``data``). Nothing here imports another ``worker``
package but ``worker.errors`` (tests/test_layers.py lists the arrows).
"""
