"""A seccomp-BPF allow-list for kernels (x86-64 and aarch64; elsewhere the layer is missing).

Everything not listed fails with EPERM, so Python sees an ordinary OSError. Notably denied:
execve/execveat, fork/vfork and clone without CLONE_THREAD (threads are allowed, processes are
not), socket/socketpair/connect/bind/listen/accept, ptrace and process_vm_*, unshare/setns and
clone with namespace flags, mount/pivot_root/chroot, sync/syncfs (they flush every file system
of the host), io_uring, keyctl/add_key, bpf, perf_event_open, userfaultfd, setuid/setgid/setsid,
open_by_handle_at, memfd_create and Landlock/seccomp changes. clone3 answers ENOSYS so glibc
falls back to clone, whose flags the filter can inspect. A foreign architecture (i386/x32 system
calls on x86-64, arm32 on aarch64) kills the process. The aarch64 table is the generic one
(a test compares it with <asm-generic/unistd.h>): none of the legacy calls (open, stat, pipe…).
"""

import ctypes
import os
import platform
from dataclasses import dataclass

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

# The same allow-list on aarch64 (the generic system call table: no legacy calls such as
# open, stat or pipe, whose *at/2 forms glibc uses there).
ALLOWED_AARCH64 = {
    "getxattr": 8,
    "lgetxattr": 9,
    "fgetxattr": 10,
    "listxattr": 11,
    "llistxattr": 12,
    "flistxattr": 13,
    "getcwd": 17,
    "eventfd2": 19,
    "epoll_create1": 20,
    "epoll_ctl": 21,
    "epoll_pwait": 22,
    "dup": 23,
    "dup3": 24,
    "fcntl": 25,
    "inotify_init1": 26,
    "inotify_add_watch": 27,
    "inotify_rm_watch": 28,
    "ioctl": 29,
    "flock": 32,
    "mkdirat": 34,
    "unlinkat": 35,
    "symlinkat": 36,
    "linkat": 37,
    "renameat": 38,
    "statfs": 43,
    "fstatfs": 44,
    "truncate": 45,
    "ftruncate": 46,
    "fallocate": 47,
    "faccessat": 48,
    "chdir": 49,
    "fchdir": 50,
    "fchmod": 52,
    "fchmodat": 53,
    "openat": 56,
    "close": 57,
    "pipe2": 59,
    "getdents64": 61,
    "lseek": 62,
    "read": 63,
    "write": 64,
    "readv": 65,
    "writev": 66,
    "pread64": 67,
    "pwrite64": 68,
    "preadv": 69,
    "pwritev": 70,
    "sendfile": 71,
    "pselect6": 72,
    "ppoll": 73,
    "signalfd4": 74,
    "vmsplice": 75,
    "splice": 76,
    "tee": 77,
    "readlinkat": 78,
    "newfstatat": 79,
    "fstat": 80,
    "fsync": 82,
    "fdatasync": 83,
    "sync_file_range": 84,
    "timerfd_create": 85,
    "timerfd_settime": 86,
    "timerfd_gettime": 87,
    "utimensat": 88,
    "capget": 90,
    "exit": 93,
    "exit_group": 94,
    "waitid": 95,
    "set_tid_address": 96,
    "futex": 98,
    "set_robust_list": 99,
    "get_robust_list": 100,
    "nanosleep": 101,
    "getitimer": 102,
    "setitimer": 103,
    "timer_create": 107,
    "timer_gettime": 108,
    "timer_getoverrun": 109,
    "timer_settime": 110,
    "timer_delete": 111,
    "clock_gettime": 113,
    "clock_getres": 114,
    "clock_nanosleep": 115,
    "sched_getscheduler": 120,
    "sched_getparam": 121,
    "sched_setaffinity": 122,
    "sched_getaffinity": 123,
    "sched_yield": 124,
    "sched_get_priority_max": 125,
    "sched_get_priority_min": 126,
    "sched_rr_get_interval": 127,
    "restart_syscall": 128,
    "kill": 129,
    "tkill": 130,
    "tgkill": 131,
    "sigaltstack": 132,
    "rt_sigsuspend": 133,
    "rt_sigaction": 134,
    "rt_sigprocmask": 135,
    "rt_sigpending": 136,
    "rt_sigtimedwait": 137,
    "rt_sigreturn": 139,
    "getpriority": 141,
    "getresuid": 148,
    "getresgid": 150,
    "times": 153,
    "getpgid": 155,
    "getsid": 156,
    "getgroups": 158,
    "uname": 160,
    "getrlimit": 163,
    "setrlimit": 164,
    "getrusage": 165,
    "umask": 166,
    "getcpu": 168,
    "gettimeofday": 169,
    "getpid": 172,
    "getppid": 173,
    "getuid": 174,
    "geteuid": 175,
    "getgid": 176,
    "getegid": 177,
    "gettid": 178,
    "sysinfo": 179,
    "getsockname": 204,
    "getpeername": 205,
    "sendto": 206,
    "recvfrom": 207,
    "getsockopt": 209,
    "shutdown": 210,
    "sendmsg": 211,
    "recvmsg": 212,
    "readahead": 213,
    "brk": 214,
    "munmap": 215,
    "mremap": 216,
    "mmap": 222,
    "fadvise64": 223,
    "mprotect": 226,
    "msync": 227,
    "mincore": 232,
    "madvise": 233,
    "get_mempolicy": 236,
    "recvmmsg": 243,
    "wait4": 260,
    "sendmmsg": 269,
    "sched_getattr": 275,
    "renameat2": 276,
    "getrandom": 278,
    "membarrier": 283,
    "copy_file_range": 285,
    "preadv2": 286,
    "pwritev2": 287,
    "statx": 291,
    "rseq": 293,
    "close_range": 436,
    "openat2": 437,
    "faccessat2": 439,
    "epoll_pwait2": 441,
    "futex_waitv": 449,
    "cachestat": 451,
    "fchmodat2": 452,
    "map_shadow_stack": 453,
    "futex_wake": 454,
    "futex_wait": 455,
    "futex_requeue": 456,
    "mseal": 462,
}

AUDIT_ARCH_AARCH64 = 0xC00000B7


@dataclass(frozen=True)
class Arch:
    """What the filter needs to know about one architecture."""

    audit: int
    allowed: dict
    clone: int
    prctl: int
    prlimit64: int
    clone3: int = 435
    x32: bool = False  # x86-64 also accepts x32 system calls (numbers with bit 30 set)


ARCHES = {
    "x86_64": Arch(AUDIT_ARCH_X86_64, ALLOWED, clone=56, prctl=157, prlimit64=302, x32=True),
    "aarch64": Arch(AUDIT_ARCH_AARCH64, ALLOWED_AARCH64, clone=220, prctl=167, prlimit64=261),
}

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


def build_program(machine: str = "x86_64") -> list[tuple]:
    """The filter for `machine` (platform.machine()) as (code, jt, jf, k) instructions."""
    arch = ARCHES[machine]
    deny = _stmt(RET_K, RET_ERRNO | EPERM)
    allow = _stmt(RET_K, RET_ALLOW)
    prog = [
        _stmt(LD_W_ABS, OFF_ARCH),
        _jump(JEQ_K, arch.audit, 1, 0),
        _stmt(RET_K, RET_KILL_PROCESS),
        _stmt(LD_W_ABS, OFF_NR),
    ]
    if arch.x32:
        prog += [_jump(JGE_K, X32_BIT, 0, 1), _stmt(RET_K, RET_KILL_PROCESS)]
    for number in arch.allowed.values():
        prog += [_jump(JEQ_K, number, 0, 1), allow]
    # clone3: ENOSYS, so glibc retries with clone.
    prog += [_jump(JEQ_K, arch.clone3, 0, 1), _stmt(RET_K, RET_ERRNO | ENOSYS)]
    # clone: threads only, and never new namespaces.
    prog += [
        _jump(JEQ_K, arch.clone, 0, 5),
        _stmt(LD_W_ABS, _arg_low(0)),
        _jump(JSET_K, CLONE_NAMESPACES, 2, 0),
        _jump(JSET_K, CLONE_THREAD, 0, 1),
        allow,
        deny,
        _stmt(LD_W_ABS, OFF_NR),  # clone's false branch lands here: reload the number
    ]
    # prlimit64: only on the calling process (pid 0).
    prog += [
        _jump(JEQ_K, arch.prlimit64, 0, 6),
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
    prog += [_jump(JEQ_K, arch.prctl, 0, 2 + 2 * len(options)), _stmt(LD_W_ABS, _arg_low(0))]
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


SYS_SECCOMP = {"x86_64": 317, "aarch64": 277}.get(platform.machine(), -1)
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1


def supported() -> bool:
    """Whether this machine's architecture has a filter here."""
    return platform.system() == "Linux" and platform.machine() in ARCHES


def install() -> int:
    """Install the filter on every thread of this process; return its length. Needs
    no_new_privs (or CAP_SYS_ADMIN)."""
    if not supported():
        raise OSError(ENOSYS, f"no seccomp filter for {platform.machine()}")
    prog = build_program(platform.machine())
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
