"""A seccomp-BPF allow-list for kernels (x86_64).

Everything not listed fails with EPERM, so Python sees an ordinary OSError. Notably denied:
execve/execveat, fork/vfork and clone without CLONE_THREAD (threads are allowed, processes are
not), socket/socketpair/connect/bind/listen/accept, ptrace and process_vm_*, unshare/setns and
clone with namespace flags, mount/pivot_root/chroot, io_uring, keyctl/add_key, bpf,
perf_event_open, userfaultfd, setuid/setgid/setsid, open_by_handle_at, memfd_create and
Landlock/seccomp changes. clone3 answers ENOSYS so glibc falls back to clone, whose flags the
filter can inspect. A foreign architecture (i386/x32 system calls) kills the process.
"""

import ctypes
import os
import platform

AUDIT_ARCH_X86_64 = 0xC000003E
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
RET_ALLOW = 0x7FFF0000
EPERM = 1
ENOSYS = 38

# BPF opcodes
LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JGE_K = 0x35  # BPF_JMP | BPF_JGE | BPF_K
JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K
RET_K = 0x06  # BPF_RET | BPF_K

# offsets in struct seccomp_data
OFF_NR = 0
OFF_ARCH = 4


def _arg_low(n: int) -> int:
    return 16 + 8 * n


def _arg_high(n: int) -> int:
    return 16 + 8 * n + 4


X32_BIT = 0x40000000

ALLOWED = {
    "read": 0,
    "write": 1,
    "open": 2,
    "close": 3,
    "stat": 4,
    "fstat": 5,
    "lstat": 6,
    "poll": 7,
    "lseek": 8,
    "mmap": 9,
    "mprotect": 10,
    "munmap": 11,
    "brk": 12,
    "rt_sigaction": 13,
    "rt_sigprocmask": 14,
    "rt_sigreturn": 15,
    "ioctl": 16,
    "pread64": 17,
    "pwrite64": 18,
    "readv": 19,
    "writev": 20,
    "access": 21,
    "pipe": 22,
    "select": 23,
    "sched_yield": 24,
    "mremap": 25,
    "msync": 26,
    "mincore": 27,
    "madvise": 28,
    "dup": 32,
    "dup2": 33,
    "pause": 34,
    "nanosleep": 35,
    "getitimer": 36,
    "alarm": 37,
    "setitimer": 38,
    "getpid": 39,
    "sendfile": 40,
    "sendto": 44,
    "recvfrom": 45,
    "sendmsg": 46,
    "recvmsg": 47,
    "shutdown": 48,
    "getsockname": 51,
    "getpeername": 52,
    "getsockopt": 55,
    "exit": 60,
    "wait4": 61,
    "kill": 62,
    "uname": 63,
    "fcntl": 72,
    "flock": 73,
    "fsync": 74,
    "fdatasync": 75,
    "truncate": 76,
    "ftruncate": 77,
    "getdents": 78,
    "getcwd": 79,
    "chdir": 80,
    "fchdir": 81,
    "rename": 82,
    "mkdir": 83,
    "rmdir": 84,
    "creat": 85,
    "link": 86,
    "unlink": 87,
    "symlink": 88,
    "readlink": 89,
    "chmod": 90,
    "fchmod": 91,
    "umask": 95,
    "gettimeofday": 96,
    "getrlimit": 97,
    "getrusage": 98,
    "sysinfo": 99,
    "times": 100,
    "getuid": 102,
    "getgid": 104,
    "geteuid": 107,
    "getegid": 108,
    "getppid": 110,
    "getpgrp": 111,
    "getgroups": 115,
    "getresuid": 118,
    "getresgid": 120,
    "getpgid": 121,
    "getsid": 124,
    "capget": 125,
    "rt_sigpending": 127,
    "rt_sigtimedwait": 128,
    "rt_sigsuspend": 130,
    "sigaltstack": 131,
    "utime": 132,
    "statfs": 137,
    "fstatfs": 138,
    "getpriority": 140,
    "sched_getparam": 143,
    "sched_getscheduler": 145,
    "sched_get_priority_max": 146,
    "sched_get_priority_min": 147,
    "sched_rr_get_interval": 148,
    "arch_prctl": 158,
    "setrlimit": 160,
    "sync": 162,
    "gettid": 186,
    "readahead": 187,
    "getxattr": 191,
    "lgetxattr": 192,
    "fgetxattr": 193,
    "listxattr": 194,
    "llistxattr": 195,
    "flistxattr": 196,
    "time": 201,
    "futex": 202,
    "sched_getaffinity": 204,
    "sched_setaffinity": 203,
    "getdents64": 217,
    "set_tid_address": 218,
    "restart_syscall": 219,
    "fadvise64": 221,
    "timer_create": 222,
    "timer_settime": 223,
    "timer_gettime": 224,
    "timer_getoverrun": 225,
    "timer_delete": 226,
    "clock_gettime": 228,
    "clock_getres": 229,
    "clock_nanosleep": 230,
    "exit_group": 231,
    "epoll_wait": 232,
    "epoll_ctl": 233,
    "tgkill": 234,
    "tkill": 200,
    "utimes": 235,
    "waitid": 247,
    "inotify_init": 253,
    "inotify_add_watch": 254,
    "inotify_rm_watch": 255,
    "openat": 257,
    "mkdirat": 258,
    "futimesat": 261,
    "newfstatat": 262,
    "unlinkat": 263,
    "renameat": 264,
    "linkat": 265,
    "symlinkat": 266,
    "readlinkat": 267,
    "fchmodat": 268,
    "faccessat": 269,
    "pselect6": 270,
    "ppoll": 271,
    "set_robust_list": 273,
    "get_robust_list": 274,
    "splice": 275,
    "tee": 276,
    "sync_file_range": 277,
    "vmsplice": 278,
    "utimensat": 280,
    "epoll_pwait": 281,
    "signalfd": 282,
    "timerfd_create": 283,
    "eventfd": 284,
    "fallocate": 285,
    "timerfd_settime": 286,
    "timerfd_gettime": 287,
    "signalfd4": 289,
    "eventfd2": 290,
    "epoll_create": 213,
    "epoll_create1": 291,
    "dup3": 292,
    "pipe2": 293,
    "inotify_init1": 294,
    "preadv": 295,
    "pwritev": 296,
    "recvmmsg": 299,
    "syncfs": 306,
    "sendmmsg": 307,
    "getcpu": 309,
    "sched_getattr": 315,
    "renameat2": 316,
    "getrandom": 318,
    "membarrier": 324,
    "copy_file_range": 326,
    "preadv2": 327,
    "pwritev2": 328,
    "statx": 332,
    "rseq": 334,
    "close_range": 436,
    "openat2": 437,
    "faccessat2": 439,
    "epoll_pwait2": 441,
    "futex_waitv": 449,
    "get_mempolicy": 239,
}
ALLOWED.update(
    {
        "cachestat": 451,
        "fchmodat2": 452,
        "map_shadow_stack": 453,
        "futex_wake": 454,
        "futex_wait": 455,
        "futex_requeue": 456,
        "mseal": 462,
    }
)

NR_CLONE = 56
NR_PRCTL = 157
NR_PRLIMIT64 = 302
NR_CLONE3 = 435

CLONE_THREAD = 0x00010000
CLONE_NAMESPACES = (
    0x00020000  # NEWNS
    | 0x02000000  # NEWCGROUP
    | 0x04000000  # NEWUTS
    | 0x08000000  # NEWIPC
    | 0x10000000  # NEWUSER
    | 0x20000000  # NEWPID
    | 0x40000000  # NEWNET
    | 0x00000080  # NEWTIME
)

# prctl options a kernel may use: names, dumpable (read), no-new-privs (read), seccomp (read),
# capability bounding set (read) and naming anonymous memory (glibc does this).
PRCTL_ALLOWED = (3, 15, 16, 21, 23, 39, 0x53564D41)


def _stmt(code: int, k: int) -> tuple:
    return (code, 0, 0, k)


def _jump(code: int, k: int, jt: int, jf: int) -> tuple:
    return (code, jt, jf, k)


def build_program() -> list[tuple]:
    """The filter as (code, jt, jf, k) instructions."""
    deny = _stmt(RET_K, RET_ERRNO | EPERM)
    allow = _stmt(RET_K, RET_ALLOW)
    prog = [
        _stmt(LD_W_ABS, OFF_ARCH),
        _jump(JEQ_K, AUDIT_ARCH_X86_64, 1, 0),
        _stmt(RET_K, RET_KILL_PROCESS),
        _stmt(LD_W_ABS, OFF_NR),
        _jump(JGE_K, X32_BIT, 0, 1),
        _stmt(RET_K, RET_KILL_PROCESS),
    ]
    for number in ALLOWED.values():
        prog += [_jump(JEQ_K, number, 0, 1), allow]
    # clone3: ENOSYS, so glibc retries with clone.
    prog += [_jump(JEQ_K, NR_CLONE3, 0, 1), _stmt(RET_K, RET_ERRNO | ENOSYS)]
    # clone: threads only, and never new namespaces.
    prog += [
        _jump(JEQ_K, NR_CLONE, 0, 5),
        _stmt(LD_W_ABS, _arg_low(0)),
        _jump(JSET_K, CLONE_NAMESPACES, 2, 0),
        _jump(JSET_K, CLONE_THREAD, 0, 1),
        allow,
        deny,
        _stmt(LD_W_ABS, OFF_NR),  # clone's false branch lands here: reload the number
    ]
    # prlimit64: only on the calling process (pid 0).
    prog += [
        _jump(JEQ_K, NR_PRLIMIT64, 0, 6),
        _stmt(LD_W_ABS, _arg_high(0)),
        _jump(JEQ_K, 0, 0, 3),
        _stmt(LD_W_ABS, _arg_low(0)),
        _jump(JEQ_K, 0, 0, 1),
        allow,
        deny,
        _stmt(LD_W_ABS, OFF_NR),
    ]
    # prctl: a short list of harmless options.
    options = list(PRCTL_ALLOWED)
    prog += [_jump(JEQ_K, NR_PRCTL, 0, 2 + 2 * len(options)), _stmt(LD_W_ABS, _arg_low(0))]
    for option in options:
        prog += [_jump(JEQ_K, option, 0, 1), allow]
    prog += [deny]
    prog += [deny]
    return prog


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


SYS_SECCOMP = 317
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1


def supported() -> bool:
    """Whether this machine's architecture has a filter here."""
    return platform.system() == "Linux" and platform.machine() == "x86_64"


def install() -> int:
    """Install the filter on every thread of this process; return its length. Needs
    no_new_privs (or CAP_SYS_ADMIN)."""
    if not supported():
        raise OSError(ENOSYS, f"no seccomp filter for {platform.machine()}")
    prog = build_program()
    array = (_SockFilter * len(prog))(*[_SockFilter(*insn) for insn in prog])
    fprog = _SockFprog(len(prog), array)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    result = libc.syscall(
        SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(fprog)
    )
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"seccomp: {os.strerror(errno)}")
    return len(prog)
