"""The ``runbase`` command line."""
