"""The code runner: isolated, stateful Python kernels for lesson cells.

This package runs as its own process (``python -m sandbox serve``), separate from the web site.
It must never import Django or anything else from the project: it holds no secret, and the only
way in is its socket. ``learn/sandbox.py`` is the one module of the site that talks to it.

Layout:
  protocol.py   length-prefixed JSON frames, shared by every hop
  config.py     limits, read from SANDBOX_* environment variables
  isolation.py  namespaces, private root, uid, rlimits, Landlock and seccomp for one kernel
  seccomp.py    the seccomp-BPF allow-list
  landlock.py   the Landlock rule set
  kernel.py     what runs inside a kernel: execute cells, capture outputs and figures
  zygote.py     the warm parent that imports NumPy and matplotlib once and forks kernels
  server.py     the runner: kernels per learner, limits, watchdog, culling, the client socket
"""
