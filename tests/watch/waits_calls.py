"""Blocking calls that wait in C, one per run, between the lines "before"
and "after", for test_watch.sh to check what the main thread is seen
waiting on meanwhile (a child process: external; a descriptor: I/O), and
that the program's output is the same. Usage: waits_calls.py CASE
(stdin cases: feed it a line)"""
import os
import select
import signal
import subprocess
import sys


def poll():
    r, _ = os.pipe()
    p = select.poll()
    p.register(r, select.POLLIN)
    return p.poll(50)


def communicate():
    child = subprocess.Popen(["sh", "-c", "echo hi"], stdout=subprocess.PIPE)
    return child.communicate()[0]


def sigtimedwait():
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    return signal.sigtimedwait([signal.SIGUSR1], 0.05)


CASES = {
    "run": lambda: subprocess.run(["sh", "-c", "echo hi"], capture_output=True).stdout,
    "check_output": lambda: subprocess.check_output(["sh", "-c", "echo hi"]),
    "communicate": communicate,
    "call": lambda: subprocess.call(["true"]),
    "system": lambda: os.system("true"),
    "poll": poll,
    "select": lambda: select.select([os.pipe()[0]], [], [], 0.05),
    "sigtimedwait": sigtimedwait,
    "input": input,
    "readline": sys.stdin.readline,
}

if __name__ == "__main__":
    print("before")
    result = CASES[sys.argv[1]]()
    print("after", repr(result))
