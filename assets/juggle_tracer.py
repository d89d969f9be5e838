"""juggle_tracer: watch a Python program run, for `juggle watch`.

    python3 PROG.py [ARGS...], this folder first on PYTHONPATH (juggle's
    way: sitecustomize.py beside it calls boot() as Python starts, and
    Python runs PROG.py itself), or
    python3 -m juggle_tracer PROG.py [ARGS...]

runs PROG.py as __main__ and writes juggle trace events (JSON Lines, one
array per event, the fields of juggle's trace format: seq, t, kind, task,
cpu, other, reason, value, value2[, text]; t in ns of the real monotonic
clock since the tracer started) to the file descriptor named by the
environment variable JUGGLE_TRACE_FD. Without it the program just runs.
Standard library only (Python 3.11).

What becomes a task, and when it runs:
  - every thread (the main thread too): running, except while blocked in
    time.sleep, socket I/O, select.select, select.poll, the selectors,
    os.read, reads of stdin (a pipe, a socket, a terminal; input()),
    queue.Queue.get/put, queue.SimpleQueue.get,
    threading.Lock/RLock.acquire, Condition/Event.wait, Thread.join,
    a child process (os.waitpid/wait/wait3/wait4/waitid, os.system,
    subprocess's Popen start, communicate and wait), signal.sigwait,
    sigwaitinfo, sigtimedwait, pause; each thread has its own CPU lane;
  - every asyncio Task: running while a step of it runs (patched
    asyncio.events.Handle._run, through which the loop runs every step, for
    the C and the Python Task alike); between steps waiting on what its
    innermost await is (asyncio.sleep, a queue, a lock, streams or socket
    I/O, another future); the loop's thread waits while the loop runs;
  - every generator of the program's own code resumed from the program's
    own code (sys.settrace 'call' and 'return' on generator frames):
    running from resume to yield, its driver ready meanwhile; a task from
    when the program first resumes one of the generators it holds (its
    task list), ready until its own first resume;
  - lines written to sys.stdout go through unchanged and become log events.
A wrapped call raises what the plain call raises, with no frame of the
tracer in its traceback (_untraced). The GIL is invisible: two threads may both look running while only one of
them executes Python at a time.
"""

import _thread
import gc
from _collections import deque as _deque
import io
import os
import sys
import time

_json_quote = None


def _quote(text):
    """text as a JSON string, as json.dumps writes it. Plain ASCII (task
    names, most printed lines) needs no escaping and no encoder: the C one
    is a shared library to load, the json package compiles regexes."""
    global _json_quote
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    if _json_quote is None:
        try:
            from _json import encode_basestring_ascii as _json_quote
        except ImportError:
            from json import dumps as _json_quote
    return _json_quote(text)

_monotonic_ns = time.monotonic_ns
_real_sleep = time.sleep
_real_write = os.write
_real_read = os.read
_alloc_lock = _thread.allocate_lock
_get_ident = _thread.get_ident

_fd = -1
_t0 = 0
_buf = []
_buf_lock = _alloc_lock()
# Counters: next() on a range iterator is one C call, atomic under the GIL
# like itertools.count's (whose import costs a start ~0.1 ms).
_COUNT = 1 << 62
_seq = iter(range(1, _COUNT))
_last_flush = 0
_FLUSH_NS = 20_000_000
_ntasks = iter(range(_COUNT))
_ncpus = iter(range(_COUNT))
_ndummies = iter(range(1, _COUNT))  # threads started with _thread alone
_threads = {}  # thread ident -> _Thread
_exit_code = 0

# Block reasons, as juggle names them (event.h BLOCK_REASONS).
SLEEP, IO, HTTP, LOCK, QUEUE, EXTERNAL = 0, 1, 2, 3, 5, 6
READY, RUNNING, BLOCKED, DONE = 1, 2, 3, 4


def _flush_locked():
    global _last_flush, _fd
    if not _buf or _fd < 0:
        return
    data = "".join(_buf).encode()
    _buf.clear()
    try:
        while data:
            n = _real_write(_fd, data)
            data = data[n:]
    except OSError:
        _fd = -1  # juggle went away: the program goes on untraced
    _last_flush = _monotonic_ns()


def _emit(kind, task=-1, cpu=-1, other=-1, reason=0, value=0, value2=0, text=None, flush=False, hold=False):
    """Queues one event; writes the queue out when flush is set or 20 ms
    have passed, unless hold (a print in progress: writing releases the
    GIL, and another thread's print would land inside this one)."""
    if _fd < 0:
        return
    with _buf_lock:
        t = _monotonic_ns() - _t0
        if text is None:
            _buf.append(f'[{next(_seq)},{t},"{kind}",{task},{cpu},{other},{reason},{value},{value2}]\n')
        else:
            _buf.append(
                f'[{next(_seq)},{t},"{kind}",{task},{cpu},{other},{reason},{value},{value2},'
                f"{_quote(text)}]\n"
            )
        if flush or (not hold and t + _t0 - _last_flush > _FLUSH_NS):
            _flush_locked()


def _flush_now():
    with _buf_lock:
        _flush_locked()


def _now_ns():
    return _monotonic_ns() - _t0


def _new_task(name):
    tid = next(_ntasks)
    _emit("task_new", tid, text=name)
    return tid


class _Thread:
    """A thread's CPU lane and the stack of tasks on it: the thread's own
    task at the bottom, then a generator or an asyncio step on top."""

    __slots__ = ("cpu", "stack", "state", "last")

    def __init__(self, name):
        self.cpu = next(_ncpus)
        tid = _new_task(name)
        self.stack = [tid]
        self.state = {tid: READY}
        self.last = -1
        self.run(tid)

    def run(self, tid):
        if self.last >= 0 and self.last != tid:
            _emit("switch", tid, self.cpu, self.last)
        self.last = tid
        if self.state.get(tid) == BLOCKED:
            _emit("wake", tid)
        self.state[tid] = RUNNING
        _emit("run", tid, self.cpu)

    def push(self, tid):
        top = self.stack[-1]
        if self.state.get(top) == RUNNING:
            self.state[top] = READY
            _emit("yield", top)
        self.stack.append(tid)
        self.run(tid)

    def pop(self, how, reason=0, until=-1):
        tid = self.stack.pop()
        if how == DONE:
            _emit("task_done", tid)
            self.state.pop(tid, None)
        elif how == BLOCKED:
            self.state[tid] = BLOCKED
            _emit("block", tid, -1, 0, reason, until, flush=True)
        else:
            self.state[tid] = READY
            _emit("yield", tid)
        top = self.stack[-1]
        if self.state.get(top) == READY:
            self.run(top)


def _thread_name(th):
    target = getattr(th, "_target", None)
    name = th.name
    if target is not None and name.startswith("Thread-"):
        args = getattr(th, "_args", ())
        name = _label(getattr(target, "__qualname__", name), args[0] if args else None)
    return name


def _label(qualname, first):
    if isinstance(first, str) and 0 < len(first) <= 24:
        return f"{qualname} {first}"
    return qualname


def _me():
    th = _threads.get(_get_ident())
    if th is None:
        threading = sys.modules.get("threading")  # None: a bare _thread thread
        name = _thread_name(threading.current_thread()) if threading else f"Dummy-{next(_ndummies)}"
        th = _threads[_get_ident()] = _Thread(name)
    return th


# ---- blocking calls ----

_G = globals()


def _untraced(e):
    """e's traceback without the tracer's own frames, so that what the
    program sees and prints is what a plain run raises. A wrapper calls it
    in its handler and re-raises with a bare `raise`, which (unlike
    `raise e`) adds no entry for the wrapper's frame."""
    tb = e.__traceback__
    keep = []
    while tb is not None:
        if tb.tb_frame.f_globals is not _G:
            keep.append(tb)
        tb = tb.tb_next
    for a, b in zip(keep, keep[1:]):
        a.tb_next = b
    if keep:
        keep[-1].tb_next = None
    e.__traceback__ = keep[0] if keep else None


class _Blocked:
    """with _Blocked(reason, until): the running task on this thread is
    blocked for the duration; nothing when it is blocked already (a socket
    read inside an HTTP request) or the tracer is off."""

    __slots__ = ("th", "tid", "reason", "until")

    def __init__(self, reason, until=-1):
        self.reason = reason
        self.until = until
        self.th = None

    def __enter__(self):
        if _fd < 0:
            return self
        th = _me()
        tid = th.stack[-1]
        if th.state.get(tid) != RUNNING:
            return self
        self.th, self.tid = th, tid
        th.state[tid] = BLOCKED
        # A wait inside a generator or an asyncio step stalls its thread.
        stall = 1 if len(th.stack) > 1 else 0
        _emit("block", tid, -1, stall, self.reason, self.until, flush=True)
        return self

    def __exit__(self, *exc):
        th = self.th
        if th is not None and th.state.get(self.tid) == BLOCKED:
            th.run(self.tid)
        return False


def _wrap_blocking(obj, attr, reason, when=None):
    orig = getattr(obj, attr)

    def wrapper(*args, **kwargs):
        try:
            if when is not None:
                try:
                    waits = when(*args, **kwargs)
                except Exception:  # arguments orig rejects: its own error
                    waits = False
                if not waits:
                    return orig(*args, **kwargs)
            with _Blocked(reason):
                return orig(*args, **kwargs)
        except BaseException as e:
            _untraced(e)
            raise

    wrapper.__wrapped__ = orig
    wrapper.__name__ = getattr(orig, "__name__", attr)
    wrapper.__qualname__ = getattr(orig, "__qualname__", attr)
    setattr(obj, attr, wrapper)


_SLEEP_KNOWN = 1e9  # seconds: longer sleeps wait with no wake time


def _sleep(secs):
    try:
        s = float(secs)
        until = (_now_ns() + int(s * 1e9) if s < _SLEEP_KNOWN else -1) if s > 0 else None
    except Exception:  # not a number: the plain sleep's own error
        until = None
    try:
        if until is None:  # sleep(0), or arguments it rejects: no wait
            return _real_sleep(secs)
        with _Blocked(SLEEP, until):
            return _real_sleep(secs)
    except BaseException as e:
        _untraced(e)
        raise


class _Lock:
    """threading.Lock: a lock that is free is taken without a word; a wait
    for a held one is a block on 'lock'. Errors are the C lock's own, with
    no frame of this class in their traceback (release and locked are the
    C lock's bound methods: no frame at all)."""

    __slots__ = ("_l", "__weakref__")
    _factory = staticmethod(_alloc_lock)

    def __init__(self):
        self._l = self._factory()

    def acquire(self, blocking=True, timeout=-1):
        try:
            if self._l.acquire(False):
                if blocking is not True or timeout != -1:
                    _check_acquire(self, blocking, timeout)
                return True
            if not blocking:
                return self._l.acquire(blocking, timeout)
            with _Blocked(LOCK):
                return self._l.acquire(True, timeout)
        except BaseException as e:
            _untraced(e)
            raise

    __enter__ = acquire

    def __exit__(self, *exc):
        try:
            self._l.release()
        except BaseException as e:
            _untraced(e)
            raise

    release = property(lambda self: self._l.release)
    locked = property(lambda self: self._l.locked)

    def __getattr__(self, name):  # _at_fork_reinit, _is_owned, ... of RLock
        try:
            return getattr(self._l, name)
        except BaseException as e:
            _untraced(e)
            raise

    def __repr__(self):
        return repr(self._l)


def _check_acquire(lock, blocking, timeout):
    """Arguments acquire(blocking, timeout) rejects, rejected as a plain
    lock does (a free lock was taken without them): a new lock checks
    them, and is free, so it does not wait."""
    try:
        lock._factory().acquire(blocking, timeout)
    except BaseException:
        lock._l.release()
        raise


class _RLock(_Lock):
    __slots__ = ()
    _factory = staticmethod(_thread.RLock)


def _patch_threading(threading):
    threading.Lock = _Lock
    threading.RLock = _RLock
    cond_wait = threading.Condition.wait

    def wait(self, timeout=None):
        try:
            try:
                check = timeout is not None and timeout <= 0  # a check, not a wait
            except Exception:  # a timeout wait rejects: its own error
                check = True
            if check:
                return cond_wait(self, timeout)
            with _Blocked(LOCK):
                return cond_wait(self, timeout)
        except BaseException as e:
            _untraced(e)
            raise

    threading.Condition.wait = wait
    _wrap_blocking(threading.Event, "wait", EXTERNAL, lambda self, *a, **k: not self.is_set())
    _wrap_blocking(threading.Thread, "join", EXTERNAL)
    boot = threading.Thread._bootstrap_inner

    def bootstrap_inner(self):
        th = None
        if _fd >= 0:
            th = _threads[_get_ident()] = _Thread(_thread_name(self))
        try:
            boot(self)
        finally:
            if th is not None:
                _emit_os(th.stack[0], _os_now())
                _emit("task_done", th.stack[0], flush=True)
            _threads.pop(_get_ident(), None)

    threading.Thread._bootstrap_inner = bootstrap_inner
    if _generators:
        threading.settrace(_trace)


def _is_blocking_socket(sock, *args, **kwargs):
    return sock.gettimeout() != 0.0


def _patch_socket(mod):
    for name in ("accept", "connect", "recv", "recv_into", "recvfrom", "send", "sendall"):
        if hasattr(mod.socket, name):
            _wrap_blocking(mod.socket, name, IO, _is_blocking_socket)


def _patch_select(mod):
    _wrap_blocking(mod, "select", IO)
    poll = getattr(mod, "poll", None)
    if poll is None:
        return

    class Poll:
        """select.poll() (a C type that cannot be subclassed): its poll
        waits as a block on I/O; register, modify and unregister are the C
        object's own bound methods."""

        __slots__ = ("_p",)

        def __init__(self):
            self._p = poll()

        def poll(self, timeout=None):
            try:
                try:
                    waits = timeout is None or timeout != 0
                except Exception:
                    waits = False
                if not waits:
                    return self._p.poll(timeout)
                with _Blocked(IO):
                    return self._p.poll(timeout)
            except BaseException as e:
                _untraced(e)
                raise

        register = property(lambda self: self._p.register)
        modify = property(lambda self: self._p.modify)
        unregister = property(lambda self: self._p.unregister)

        def __repr__(self):
            return repr(self._p)

    Poll.__module__, Poll.__name__, Poll.__qualname__ = "select", "poll", "poll"
    mod.poll = Poll


def _selector_waits(self, timeout=None):
    return timeout is None or timeout > 0


def _patch_selectors(mod):
    """Every selector's select (PollSelector and EpollSelector inherit
    theirs from a private base): a wait on I/O unless the timeout says it
    does not wait."""
    for c in list(vars(mod).values()):
        if isinstance(c, type) and issubclass(c, mod.BaseSelector) and "select" in c.__dict__:
            if not getattr(c.select, "__isabstractmethod__", False):
                _wrap_blocking(c, "select", IO, _selector_waits)


def _patch_subprocess(mod):
    """A child process waited for (its output read to the end, its exit):
    a wait on the world outside, whatever it goes through (selectors,
    waitpid, a sleep between polls when there is a timeout)."""
    _wrap_blocking(mod.Popen, "communicate", EXTERNAL)
    if hasattr(mod.Popen, "_execute_child"):  # it waits for the child's exec
        _wrap_blocking(mod.Popen, "_execute_child", EXTERNAL)
    _wrap_blocking(mod.Popen, "wait", EXTERNAL, lambda self, *a, **k: self.returncode is None)


def _patch_signal(mod):
    for name in ("sigwait", "sigwaitinfo", "pause"):
        if hasattr(mod, name):
            _wrap_blocking(mod, name, EXTERNAL)
    if hasattr(mod, "sigtimedwait"):
        _wrap_blocking(mod, "sigtimedwait", EXTERNAL, lambda sigset, timeout: timeout > 0)


def _patch_queue(mod):
    global _Queue
    _Queue = mod.Queue
    _wrap_blocking(mod.Queue, "get", QUEUE, lambda self, block=True, timeout=None: block and not self.qsize())
    _wrap_blocking(mod.Queue, "put", QUEUE, lambda self, item, block=True, timeout=None: block and self.full())
    # SimpleQueue is C (its methods cannot be wrapped in place): a subclass
    # that waits as a block takes its name, so that queue.SimpleQueue()
    # (ThreadPoolExecutor's idle workers wait in one) is seen waiting.
    simple = getattr(mod, "SimpleQueue", None)
    if simple is None:
        return

    class SimpleQueue(simple):
        __slots__ = ()

        def get(self, block=True, timeout=None):
            try:
                if block and self.empty():
                    with _Blocked(QUEUE):
                        return simple.get(self, block, timeout)
                return simple.get(self, block, timeout)
            except BaseException as e:
                _untraced(e)
                raise

    SimpleQueue.__module__, SimpleQueue.__qualname__ = simple.__module__, simple.__qualname__
    mod.SimpleQueue = SimpleQueue


def _patch_http(mod):
    request = mod.HTTPConnection.request

    def traced_request(self, method, url, *args, **kwargs):
        try:
            if _fd >= 0:
                th = _me()
                _emit("http_start", th.stack[-1], text=f"http://{self.host}:{self.port}{url}")
            with _Blocked(HTTP):
                return request(self, method, url, *args, **kwargs)
        except BaseException as e:
            _untraced(e)
            raise

    mod.HTTPConnection.request = traced_request
    _wrap_blocking(mod.HTTPConnection, "getresponse", HTTP)


# ---- asyncio ----

_task_ids = {}  # Task -> task id
_hidden = set()  # asyncio's own tasks
_asyncio_dir = os.path.join(os.path.dirname(os.__file__), "asyncio") + os.sep


def _awaiting(task):
    """Why a task that is not done and not ready waits: a block reason and
    the expected wake time (ns) or -1."""
    coro = task.get_coro()
    frame = None
    for _ in range(64):
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None) or frame
        nxt = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
        if nxt is None or not (hasattr(nxt, "cr_frame") or hasattr(nxt, "gi_frame")):
            break
        coro = nxt
    if frame is None:
        return EXTERNAL, -1
    code = frame.f_code
    path = code.co_filename
    if "asyncio" in path:
        base = os.path.basename(path)
        if code.co_name == "sleep" and base == "tasks.py":
            delay = frame.f_locals.get("delay", 0)
            if isinstance(delay, (int, float)) and delay > 0:
                return SLEEP, _now_ns() + int(delay * 1e9)
            return SLEEP, -1
        if base == "queues.py":
            return QUEUE, -1
        if base == "locks.py":
            return (EXTERNAL if code.co_qualname.startswith("Event.") else LOCK), -1
        if base in ("streams.py", "selector_events.py", "base_events.py", "proactor_events.py"):
            return IO, -1
    return EXTERNAL, -1


def _patch_asyncio_events(mod):
    run = mod.Handle._run
    task_types = []

    def traced_run(self):
        try:
            owner = getattr(self._callback, "__self__", None)
            if not task_types:
                import asyncio.tasks as t

                task_types.extend({t.Task, t._PyTask})
            if _fd < 0 or type(owner) not in task_types or owner in _hidden:
                return run(self)
            th = _me()
            tid = _task_ids.get(owner)
            if tid is None:
                coro = owner.get_coro()
                code = getattr(coro, "cr_code", None)
                if code is not None and code.co_filename.startswith(_asyncio_dir):
                    _hidden.add(owner)  # asyncio.run's own clean-up tasks
                    try:
                        return run(self)
                    finally:
                        if owner.done():
                            _hidden.discard(owner)
                name = owner.get_name()
                if name.startswith("Task-"):
                    qual = getattr(coro, "__qualname__", name)
                    frame = getattr(coro, "cr_frame", None)
                    first = None
                    if frame is not None and frame.f_code.co_argcount:
                        first = frame.f_locals.get(frame.f_code.co_varnames[0])
                        if first is not None and frame.f_code.co_varnames[0] == "self":
                            first = None
                    name = _label(qual, first)
                tid = _task_ids[owner] = _new_task(name)
            th.push(tid)
            try:
                return run(self)
            finally:
                if owner.done():
                    del _task_ids[owner]
                    th.pop(DONE)
                elif getattr(owner, "_fut_waiter", None) is None:
                    th.pop(READY)
                else:
                    reason, until = _awaiting(owner)
                    th.pop(BLOCKED, reason, until)
        except BaseException as e:  # KeyboardInterrupt, SystemExit: not the callback's
            _untraced(e)
            raise

    mod.Handle._run = traced_run


def _patch_asyncio_base(mod):
    _wrap_blocking(mod.BaseEventLoop, "run_forever", EXTERNAL)


# ---- generators ----

_CO_GENERATOR = 0x20
_GenType = type(_ for _ in ())
_CONTAINERS = (list, tuple, set, frozenset, _deque)
_Queue = None  # queue.Queue, once imported
_YIELD_VALUE = -1  # the YIELD_VALUE opcode, once generators are traced
_generators = False
_gen_tasks = {}  # frame -> task id, or -1 for a generator that is not a task
_user_code = {}  # code -> is it the program's own?
_lib_dirs = ()


def _is_user_file(path):
    return not (path.startswith("<") or path.startswith(_lib_dirs) or path == __file__)


def _trace(frame, event, arg):
    """sys.settrace's function, called as each Python frame starts or a
    generator resumes (not on C calls, not on returns: far fewer calls
    than a profile hook). A generator's frame gets _gen_event for its
    yield or return; every other frame runs untraced."""
    code = frame.f_code
    if not code.co_flags & _CO_GENERATOR:
        return None
    tid = _gen_tasks.get(frame)
    if tid is None:
        caller = frame.f_back
        if _is_user_code(code) and caller is not None and _is_user_file(caller.f_code.co_filename):
            tid = _gen_tasks[frame] = _gen_task(frame)
            _waiting_generators(caller)
        else:
            tid = _gen_tasks[frame] = -1
        frame.f_trace_lines = False  # its yield and return, not each line
    if tid >= 0 and _fd >= 0:
        _me().push(tid)
    return _gen_event


def _is_user_code(code):
    user = _user_code.get(code)
    if user is None:
        user = _user_code[code] = code.co_name != "<genexpr>" and _is_user_file(code.co_filename)
    return user


def _gen_task(frame):
    code = frame.f_code
    return _new_task(_label(code.co_qualname, frame.f_locals.get(code.co_varnames[0]) if code.co_argcount else None))


_SCAN = 256  # items looked at per container


def _waiting_generators(driver):
    """The moment the program's code first resumes a generator of its own
    is when it drives generators (its scheduler); the ones it holds that
    have not started yet (its task list: the driver's local variables and
    the lists, tuples, sets, deques, dicts' values and queue.Queues of
    generators among them) are tasks from then, ready until first
    resumed, as the article's tasks are from the start. One dropped
    unstarted is done when Python closes it (which, in 3.11, resumes its
    frame to throw GeneratorExit). Python says nothing as a generator is
    created: this is the first moment the tracer can know of it."""
    found = []
    for value in list(driver.f_locals.values()):
        kind = type(value)
        if kind is _GenType:
            found.append(value)
            continue
        if kind is dict:
            value = value.values()
        elif kind is _Queue:
            value = value.queue
        elif kind not in _CONTAINERS:
            continue
        n = 0
        try:
            for item in value:  # a task list holds generators alone
                if type(item) is not _GenType or n >= _SCAN:
                    break
                found.append(item)
                n += 1
        except RuntimeError:  # changed by another thread meanwhile
            pass
    for gen in found:
        frame = gen.gi_frame
        if frame is None or gen.gi_running or gen.gi_suspended or frame in _gen_tasks:
            continue
        if not _is_user_code(frame.f_code):
            continue
        _gen_tasks[frame] = _gen_task(frame)
        frame.f_trace_lines = False


def _gen_event(frame, event, arg):
    """A generator's frame: it yielded (it is ready again) or returned."""
    if event != "return":
        return _gen_event
    tid = _gen_tasks.get(frame)
    if tid is None:
        return None
    code = frame.f_code
    yielded = code.co_code[frame.f_lasti] == _YIELD_VALUE if frame.f_lasti >= 0 else False
    if not yielded:
        del _gen_tasks[frame]
    if tid >= 0 and _fd >= 0:
        th = _me()
        if th.stack[-1] == tid:
            th.pop(READY if yielded else DONE)
    return None


def _untraced_imports():
    """Imports run without the trace hook (a module's first import runs
    thousands of Python calls in importlib and the module's own body,
    each a call to _trace). Generators run at import time are not seen."""
    bootstrap = sys.modules.get("_frozen_importlib")
    find_and_load = getattr(bootstrap, "_find_and_load", None)
    if find_and_load is None:
        return

    def untraced(name, import_):
        try:
            if sys.gettrace() is not _trace:
                return find_and_load(name, import_)
            sys.settrace(None)
            try:
                return find_and_load(name, import_)
            finally:
                sys.settrace(_trace)
        except BaseException as e:  # ModuleNotFoundError: the program's
            _untraced(e)
            raise

    bootstrap._find_and_load = untraced


def _yield_opcode():
    """YIELD_VALUE's number, read where _gen_event reads it (no opcode
    module to import)."""

    def gen():
        yield

    it = gen()
    next(it)
    return it.gi_code.co_code[it.gi_frame.f_lasti]


# ---- stdin ----


def _stdin_waits():
    """sys.stdin on a pipe, a socket or a terminal: the same text stream
    (encoding, errors, newline, mode, name), over a raw reader whose reads
    of fd 0 wait as blocks on I/O, so that input() and sys.stdin's reads
    are seen waiting only when they wait for the OS (a line already
    buffered is not a wait). A regular file is left alone (its reads do
    not wait); input() at a terminal, which reads the terminal itself, is
    a wait on I/O as a whole."""
    stdin = sys.stdin
    try:
        buffer = stdin.buffer
        raw = buffer.raw
        if (
            type(stdin) is not io.TextIOWrapper
            or type(buffer) is not io.BufferedReader
            or type(raw) is not io.FileIO
            or raw.fileno() != 0
            or stdin is not sys.__stdin__
        ):
            return
        kind = os.fstat(0).st_mode & 0o170000
    except (AttributeError, OSError, ValueError):
        return
    if kind not in (0o010000, 0o140000, 0o020000):  # FIFO, socket, character device
        return

    class FileIO(io.RawIOBase):
        """fd 0's FileIO, its reads waiting as blocks on I/O."""

        def __init__(self, raw):
            self._raw = raw

        def readinto(self, b):
            try:
                with _Blocked(IO):
                    return self._raw.readinto(b)
            except BaseException as e:
                _untraced(e)
                raise

        def readall(self):  # sys.stdin.read(): one wait, to the end
            try:
                with _Blocked(IO):
                    return self._raw.readall()
            except BaseException as e:
                _untraced(e)
                raise

        def readable(self):
            return True

        def close(self):
            self._raw.close()
            super().close()

        fileno = property(lambda self: self._raw.fileno)
        isatty = property(lambda self: self._raw.isatty)
        name = property(lambda self: self._raw.name)
        mode = property(lambda self: self._raw.mode)
        closefd = property(lambda self: self._raw.closefd)

    FileIO.__module__ = "_io"
    # Its own FileIO of fd 0: the old stream, closed as it goes, closes its.
    own = io.FileIO(0, "r", closefd=False)
    own.name = raw.name
    text = io.TextIOWrapper(
        io.BufferedReader(FileIO(own)),
        encoding=stdin.encoding,
        errors=stdin.errors,
        newline="\n",
        line_buffering=stdin.line_buffering,
    )
    text.mode = stdin.mode
    sys.stdin = sys.__stdin__ = text
    if kind == 0o020000 and raw.isatty():
        import builtins

        _wrap_blocking(builtins, "input", IO)


# ---- stdout ----


class _Stdout:
    """sys.stdout that writes through unchanged and sends each whole line
    as a log event of the task that wrote it."""

    def __init__(self, real):
        self._real = real
        self._part = ""
        self._lock = _thread.RLock()

    def write(self, s):
        # One lock around the write and its log events: the lines reach
        # stdout and the trace in the same order, whichever thread prints.
        with self._lock:
            try:
                n = self._real.write(s)
            except BaseException as e:  # a closed stdout, a bad argument
                _untraced(e)
                raise
            if _fd >= 0 and isinstance(s, str):
                text = self._part + s
                if "\n" in text:
                    lines = text.split("\n")
                    self._part = lines.pop()
                    task = _me().stack[-1]
                    for line in lines:
                        _emit("log", task, text=line, hold=True)
                else:
                    self._part = text
        return n

    flush = property(lambda self: self._real.flush)

    def __getattr__(self, name):
        try:
            return getattr(self._real, name)
        except BaseException as e:
            _untraced(e)
            raise


def _print_whole():
    """print() writes its text and its end in two calls. Our stdout's
    write is Python, where the GIL passes between bytecodes, so two
    threads' prints split each other far more often than in a plain run
    (where the GIL passes only when the buffer is written out): example
    5's threads printed 'Task One ...Task Two ...' and an empty line. A
    print to our stdout holds its lock across both: its line comes out
    whole, as its log event is."""
    import builtins

    real_print = builtins.print

    def print(*args, **kw):  # noqa: A001 (it stands in for the builtin)
        out = sys.stdout
        file = kw.get("file")
        if isinstance(out, _Stdout) and (file is None or file is out):
            try:
                with out._lock:
                    return real_print(*args, **kw)
            except BaseException as e:
                _untraced(e)
                raise
        try:
            return real_print(*args, **kw)
        except BaseException as e:
            _untraced(e)
            raise

    print.__doc__ = real_print.__doc__
    builtins.print = print


# ---- start and end ----

_PATCHES = {
    "threading": _patch_threading,
    "socket": _patch_socket,
    "select": _patch_select,
    "selectors": _patch_selectors,
    "subprocess": _patch_subprocess,
    "signal": _patch_signal,
    "queue": _patch_queue,
    "http.client": _patch_http,
    "asyncio.events": _patch_asyncio_events,
    "asyncio.base_events": _patch_asyncio_base,
}


class _PatchingLoader:
    """A module's own loader, then its patch."""

    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _PatchOnImport:
    """A meta path finder that patches a module of _PATCHES once it has
    loaded, so a program that never imports asyncio does not pay for it."""

    def find_spec(self, name, path=None, target=None):
        if name not in _PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _PatchingLoader(spec.loader, _PATCHES[name])
        return spec


_main_os = None  # the main thread's figures when the tracer started
_main_ident = None


def _os_now():
    """The calling thread's CPU time and its voluntary and involuntary
    context switches, as the OS counts them; None where /proc does not
    say. A thread that holds the GIL looks running; its CPU time says
    how much of that it computed."""
    try:
        with open("/proc/thread-self/status", "rb") as f:
            status = f.read()
    except OSError:
        return None
    counts = {}
    for line in status.splitlines():
        if line.startswith((b"voluntary_ctxt_switches:", b"nonvoluntary_ctxt_switches:")):
            key, value = line.split(b":")
            counts[key] = int(value)
    if len(counts) != 2:
        return None
    return (time.thread_time_ns(), counts[b"voluntary_ctxt_switches"], counts[b"nonvoluntary_ctxt_switches"])


def _emit_os(task, now, since=(0, 0, 0)):
    """A thread's own figures since since (the main thread's: since the
    tracer started, not the interpreter), as juggle's real runs report
    theirs."""
    if now is None or since is None:
        return
    cpu, vcsw, ivcsw = (a - b for a, b in zip(now, since))
    _emit("task_stats", task, -1, ivcsw, 0, cpu, vcsw)


def _at_exit(flush=True, status=None):
    """The run's end: Python's exit (atexit), or os._exit(status), which
    flushes nothing of the program's (flush False)."""
    global _fd
    if _fd < 0:
        return
    out = sys.stdout
    if isinstance(out, _Stdout):
        if out._part:
            _emit("log", _me().stack[-1], text=out._part)
            out._part = ""
        if flush:
            try:
                out.flush()
            except Exception:
                pass
    th = _threads.get(_get_ident())
    if th is not None:
        tid = th.stack[0]
        _emit_os(tid, _os_now(), _main_os if _threads.get(_main_ident) is th else (0, 0, 0))
        _emit("task_done", tid)
    failed = _exit_code if status is None else status
    _emit("run_end", value=_now_ns(), reason=1 if failed else 0, flush=True)
    if _fd >= 0:  # not when a write failed (the program closed the pipe)
        os.close(_fd)
    _fd = -1


def _patch_exit(mod):
    """os._exit ends the process at once, without atexit: the trace ends
    there first (a forked child's, untraced, does nothing)."""
    real_exit = mod._exit

    def _exit(status):
        if isinstance(status, int):
            _at_exit(False, status)
        try:
            real_exit(status)
        except BaseException as e:
            _untraced(e)
            raise

    _exit.__wrapped__ = real_exit
    mod._exit = _exit


def _off_in_child():
    """A forked child: untraced, and without its copy of the pipe (a child
    that outlives the program must not keep juggle waiting for its end)."""
    global _fd
    if _fd >= 0:
        try:
            os.close(_fd)
        except OSError:
            pass
    _fd = -1
    sys.settrace(None)


def _compile(prog):
    """PROG.py's code, compiled once for both the generator check and the
    run; None for what runpy.run_path must run (a folder, a zip, a .pyc)
    or report (a syntax error), as it did before."""
    try:
        prog = os.path.abspath(prog)  # as Python names a script it runs
        with io.open_code(prog) as f:
            return compile(f.read(), prog, "exec", dont_inherit=True)
    except (OSError, SyntaxError, ValueError):
        return None


def _defines_generators(code):
    """Whether the program's own file defines a generator function (the
    trace hook costs every Python call: programs without generators of
    their own, asyncio's and threads', do not pay for it)."""
    todo = [code] if code is not None else []
    while todo:
        code = todo.pop()
        if code.co_flags & _CO_GENERATOR and code.co_name != "<genexpr>":
            return True
        todo.extend(c for c in code.co_consts if hasattr(c, "co_flags"))
    return False


def _trace_generators():
    """From now on, the trace hook follows the program's generators."""
    global _generators, _YIELD_VALUE
    _YIELD_VALUE = _yield_opcode()
    _generators = True
    _untraced_imports()
    threading = sys.modules.get("threading")
    if threading is not None:
        threading.settrace(_trace)
    sys.settrace(_trace)


def _first_frame(frame, event, arg):
    """The trace hook while Python has not yet started the program (boot):
    at the program's module frame, the code Python compiled itself says
    whether the program defines generators; the hook then stays (_trace)
    or goes (a program without generators pays nothing per call)."""
    if frame.f_code.co_name != "<module>" or frame.f_globals.get("__name__") != "__main__":
        return None
    if not _defines_generators(frame.f_code):
        sys.settrace(None)
        return None
    _trace_generators()
    return _trace(frame, event, arg)


def boot():
    """juggle watch's start, from sitecustomize (assets/sitecustomize.py)
    as site imports it: the tracer starts and Python then runs PROG.py
    itself, exactly as `python3 PROG.py` does (its own compile, __main__,
    traceback and exit status; none of main's work)."""
    fd = os.environ.pop("JUGGLE_TRACE_FD", None)
    if fd is not None:
        start(int(fd), None)


def _out_of_the_way(fd):
    """The pipe moved to the highest descriptor the process may have, not
    inherited by programs the program runs: the program finds fd 3 free,
    as in a plain run, and a file it opens after closing descriptors it
    did not open does not get the pipe's number (and the trace's lines)."""
    try:
        high = os.sysconf("SC_OPEN_MAX") - 1
        if high > fd:
            high = os.dup2(fd, high, inheritable=False)
            os.close(fd)
            return high
    except (OSError, ValueError):
        pass
    os.set_inheritable(fd, False)
    return fd


def start(fd, generators=True):
    """Starts tracing to fd: patches (now for what is imported, on import
    for the rest), the trace hook (when generators; None: decided at the
    program's first frame), stdout, the first events."""
    global _fd, _t0, _last_flush, _lib_dirs, _main_os, _main_ident
    import atexit

    _main_os = _os_now()
    _main_ident = _get_ident()

    _fd = _out_of_the_way(fd)
    _t0 = _last_flush = _monotonic_ns()
    import site

    libs = {os.path.dirname(os.__file__)}
    try:
        libs.update(site.getsitepackages())
    except AttributeError:  # a virtualenv's old site.py
        pass
    _lib_dirs = tuple(p.rstrip(os.sep) + os.sep for p in libs)
    _emit("run_start", value=1, value2=1, text="python")
    _threads[_get_ident()] = _Thread("main thread")
    _flush_now()  # a program that crashes at once has still started
    time.sleep = _sleep
    _wrap_blocking(os, "read", IO)
    _patch_exit(os)
    # Waiting for a child process (subprocess.run, Popen.wait) is waiting on
    # the world outside; with WNOHANG it does not wait.
    _wrap_blocking(os, "waitpid", EXTERNAL, lambda pid, options: not options & os.WNOHANG)
    _wrap_blocking(os, "wait", EXTERNAL)
    for name, when in (
        ("wait3", lambda options: not options & os.WNOHANG),
        ("wait4", lambda pid, options: not options & os.WNOHANG),
        ("waitid", lambda idtype, ident, options: not options & os.WNOHANG),
        ("system", None),
    ):
        if hasattr(os, name):
            _wrap_blocking(os, name, EXTERNAL, when)
    _stdin_waits()
    for name, patch in _PATCHES.items():
        if name in sys.modules:
            patch(sys.modules[name])
    sys.meta_path.insert(0, _PatchOnImport())
    sys.stdout = _Stdout(sys.stdout)
    _print_whole()
    os.register_at_fork(after_in_child=_off_in_child)
    atexit.register(_at_exit)
    if generators:
        _trace_generators()
    elif generators is None:
        sys.settrace(_first_frame)
    # The tracer's objects live as long as the program: straight to the
    # oldest generation, and its allocations do not count toward the
    # program's first collection (otherwise they bring a full collection,
    # ~0.6 ms, into the program's first imports).
    gc.freeze()
    gc.unfreeze()


def _run(prog, code):
    """Runs code as __main__ with the globals `python3 PROG.py` gives it,
    without the imports runpy.run_path costs."""
    if code is None:
        import runpy

        return runpy.run_path(prog, run_name="__main__")
    module = type(sys)("__main__")
    module.__dict__.update(__file__=os.path.abspath(prog), __cached__=None, __package__=None)
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        exec(code, module.__dict__)
    finally:
        sys.modules["__main__"] = saved


def main(argv=None):
    """python3 -m juggle_tracer PROG.py ARGS, or juggle's start where
    sitecustomize cannot load (python3 -S):
    python3 -c 'import juggle_tracer; juggle_tracer.main()' PROG.py ARGS
    (no runpy: Python starts faster without it)."""
    global _exit_code
    argv = sys.argv if argv is None else argv
    if len(argv) < 2:
        sys.stderr.write("usage: python3 -m juggle_tracer PROG.py [ARGS...]\n")
        return 2
    prog = argv[1]
    if not os.path.exists(prog):
        sys.stderr.write(f"juggle_tracer: {prog}: no such file\n")
        return 2
    sys.argv = argv[1:]
    sys.path[0] = os.path.dirname(os.path.abspath(prog))
    code = _compile(prog)
    fd = os.environ.pop("JUGGLE_TRACE_FD", None)
    if fd is not None:
        start(int(fd), _defines_generators(code))
    try:
        _run(prog, code)
    except SystemExit as e:
        code = e.code
        _exit_code = code if isinstance(code, int) else (0 if code is None else 1)
        raise
    except BaseException as e:
        _exit_code = 1
        _print_exception(e, os.path.abspath(prog))
        return 1
    return 0


def _print_exception(e, prog):
    """The traceback Python would print for PROG.py run directly: without
    the frames of the tracer and runpy above the program's own."""
    import traceback

    tb = e.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != prog:
        tb = tb.tb_next
    sys.stdout.flush()
    if tb is None:
        sys.stderr.write("".join(traceback.format_exception_only(type(e), e)))
    else:
        sys.stderr.write("".join(traceback.format_exception(type(e), e, tb)))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
