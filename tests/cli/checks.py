"""The tally the scene check scripts share: check() counts a named
condition (printing FAIL and the detail when it does not hold) and
finish() prints the "N passed, N failed" line tests/run.sh reads and exits
with the result."""
import sys

_passed = _failed = 0


def check(name, cond, detail=""):
    global _passed, _failed
    if cond:
        _passed += 1
    else:
        _failed += 1
        print(f"FAIL {name}: {detail}")


def finish():
    print(f"{_passed} passed, {_failed} failed")
    sys.exit(1 if _failed else 0)
