"""The training-process side of runbase: init, Run, log, finish and friends.

This package writes record files and never imports ``runbase.store``.
"""
