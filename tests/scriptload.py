"""tests/scriptload.py - import a script without a .py suffix (tests/run,
tests/bench, tests/torture, scripts/compdb, ...) as a module, so that the
host tests and the scripts themselves can use its functions."""

import importlib.machinery
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name, path):
    """The script at path (relative to the repository's root) as module name."""
    loader = importlib.machinery.SourceFileLoader(name, os.path.join(ROOT, path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod
