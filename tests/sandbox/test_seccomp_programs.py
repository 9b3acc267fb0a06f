"""The seccomp programs of both architectures, checked without installing them: the aarch64
numbers against the generic system call table, jumps inside the program, and the calls that
must never be allowed (sync and syncfs among them)."""

import re
from pathlib import Path

import pytest

from sandbox import seccomp

GENERIC = Path("/usr/include/asm-generic/unistd.h")
NEVER = {"sync", "syncfs", "execve", "fork", "vfork", "socket", "ptrace", "mount", "unshare"}


@pytest.mark.skipif(not GENERIC.exists(), reason="needs the Linux UAPI headers")
def test_the_aarch64_numbers_are_the_generic_tables():
    numbers = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"#define __NR(?:3264)?_(\w+)\s+(\d+)", GENERIC.read_text())
    }
    numbers["newfstatat"] = numbers["fstatat"]  # the generic table's name for it
    for name, number in seccomp.ALLOWED_AARCH64.items():
        if name in numbers:
            assert numbers[name] == number, name
        else:  # newer than these headers: the 4xx numbers are the same on every architecture
            assert number == seccomp.ALLOWED[name] >= 451, name
    arch = seccomp.ARCHES["aarch64"]
    assert (arch.clone, arch.prctl, arch.prlimit64, arch.clone3) == (
        numbers["clone"],
        numbers["prctl"],
        numbers["prlimit64"],
        numbers["clone3"],
    )


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHES))
def test_every_program_is_well_formed_and_denies_the_dangerous_calls(machine):
    program = seccomp.build_program(machine)
    assert len(program) < 4096  # the kernel's BPF_MAXINSNS
    for index, (code, jt, jf, _k) in enumerate(program):
        if code & 0x07 == 0x05:  # a jump: both targets inside the program
            assert index + 1 + max(jt, jf) < len(program)
    assert program[-1] == (seccomp.RET_K, 0, 0, seccomp.RET_ERRNO | seccomp.EPERM)
    assert not NEVER & set(seccomp.ARCHES[machine].allowed)
