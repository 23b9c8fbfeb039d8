#!/usr/bin/env python3
"""Run a command and write its peak resident set (KiB) to a file.

    python3 -S peakrss.py OUTFILE COMMAND [ARG...]

The test harness is a big process (fixture servers, generated blogs, request
logs); a program it starts directly inherits the harness's high-water mark
into its own ru_maxrss, since Linux counts the memory of the process image
an exec replaces. This small process forks the command instead, so the
figure it reports (wait4's ru_maxrss) is the command's own, or this
wrapper's few MiB when the command stays under that. The command gets
SIGKILL if this wrapper dies, and the wrapper exits with its status."""
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main():
    out, argv = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.execv(argv[0], argv)
    while True:
        try:
            _, status, rusage = os.wait4(pid, 0)
            break
        except InterruptedError:
            continue
    with open(out, "w") as f:
        f.write("%d\n" % rusage.ru_maxrss)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main()
