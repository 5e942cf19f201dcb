#!/usr/bin/python3
"""inner-loops.py: the innermost loops of kernel object files, read from the
disassembly (objdump -d), with their instruction mix: for each function, each
backward branch closes a loop [target, branch]; loops containing another loop are
skipped, and of the others the one with the highest share of multiply
instructions (at least 4 of them) is reported: the full-tile k loop, not the
column loop around a tail.

Usage: scripts/inner-loops.py OBJDUMP FILE.o [FILE.o...]
Prints one markdown row per function: instructions, multiply instructions
(sdot/smmla/smull/smlal/sadalp...), loads (ld*), and the counts of each mnemonic.
"""
import collections
import re
import subprocess
import sys

MUL = re.compile(r"^(sdot|udot|usdot|smmla|ummla|usmmla|smull2?|umull2?|smlal2?|umlal2?|sadalp|uadalp|mla|mul|"
                 r"vpdpbusd|vpdpwssd|vpmaddwd|vpmaddubsw|vmull\.|vmlal\.|vpadal\.|vdot)")
LOAD = re.compile(r"^(ld|vld|ldr|ldp|ldur)")


def functions(objdump, path):
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", "-C", path], capture_output=True, text=True,
                         check=True).stdout
    name, insns = None, []
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]+) <(.*)>:$", line)
        if m:
            if name:
                yield name, insns
            name, insns = m.group(2), []
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$", line)
        if m and name:
            insns.append((int(m.group(1), 16), m.group(2), m.group(3)))
    if name:
        yield name, insns


def loops(insns):
    found = []
    for i, (addr, op, args) in enumerate(insns):
        if op.startswith("b") or op in ("cbz", "cbnz", "tbz", "tbnz") or op.startswith("j"):
            m = re.search(r"\b([0-9a-f]+) <", args)
            if m:
                target = int(m.group(1), 16)
                if target <= addr:
                    start = next(j for j, x in enumerate(insns) if x[0] >= target)
                    found.append((start, i))
    inner = [(s, e) for s, e in found if not any(s < s2 and e2 <= e for s2, e2 in found if (s2, e2) != (s, e))]
    return inner


def main():
    objdump, paths = sys.argv[1], sys.argv[2:]
    print("| function | loop instructions | multiplies | loads | mix |")
    print("|---|---|---|---|---|")
    for path in paths:
        for name, insns in functions(objdump, path):
            best = None
            for s, e in loops(insns):
                body = [op for _, op, _ in insns[s:e + 1]]
                muls = sum(1 for op in body if MUL.match(op))
                if muls >= 4 and (best is None or muls / len(body) > best[1] / len(best[0])):
                    best = (body, muls)
            if best is None:
                continue
            body, muls = best
            loads = sum(1 for op in body if LOAD.match(op))
            mix = ", ".join(f"{op} {n}" for op, n in collections.Counter(body).most_common(6))
            short = re.sub(r"\((?!anonymous).*$", "", name).replace("(anonymous namespace)::", "")
            print(f"| `{short}` | {len(body)} | {muls} | {loads} | {mix} |")


if __name__ == "__main__":
    main()
