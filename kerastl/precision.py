"""Choose the numeric precision a backbone computes in."""

PRECISIONS = ("auto", "float32", "mixed_bfloat16")
BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def check_precision(precision):
    """Return `precision` if kerastl knows it; raise a ValueError naming the choices otherwise."""
    if precision not in PRECISIONS:
        raise ValueError(f"`precision` must be one of {PRECISIONS}. Received: precision={precision!r}")
    return precision


def resolve_precision(precision):
    """Turn "auto" into "mixed_bfloat16" on CPUs with bfloat16 instructions, else "float32"."""
    if precision != "auto":
        return precision
    return "mixed_bfloat16" if cpu_has_bfloat16() else "float32"


def cpu_has_bfloat16():
    """True when /proc/cpuinfo lists a bfloat16 instruction set (AVX512-BF16 or AMX-BF16)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            flags = next((line for line in cpuinfo if line.startswith("flags")), "").split()
    except OSError:
        return False
    return any(flag in flags for flag in BFLOAT16_CPU_FLAGS)
