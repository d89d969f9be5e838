"""juggle watch's way into a Python program: juggle puts this folder first
on PYTHONPATH and names its trace pipe in JUGGLE_TRACE_FD; Python's site
module imports sitecustomize as it starts, the tracer starts here, and
Python then runs PROG.py itself, exactly as `python3 PROG.py` does.
Without JUGGLE_TRACE_FD it does nothing. The sitecustomize this one hides,
further along sys.path (the distribution's, like Debian's apport hook, or
the user's own), still runs. sitecustomize rather than usercustomize:
Python imports it in a virtualenv too, and under -s."""

import os
import sys


def _chain():
    """Runs the next sitecustomize on sys.path, the one this one hides."""
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        folder = os.path.abspath(entry or ".")
        if folder == here or not os.path.isfile(os.path.join(folder, "sitecustomize.py")):
            continue
        # importlib.machinery's PathFinder, without importing importlib
        # (it is loaded already, as _frozen_importlib_external).
        from _frozen_importlib_external import PathFinder

        spec = PathFinder.find_spec(__name__, [folder])
        if spec is not None and spec.loader is not None:
            module = type(sys)(__name__)
            module.__spec__, module.__loader__, module.__file__ = spec, spec.loader, spec.origin
            spec.loader.exec_module(module)
        return


if "JUGGLE_TRACE_FD" in os.environ:
    import juggle_tracer

    juggle_tracer.boot()
_chain()
