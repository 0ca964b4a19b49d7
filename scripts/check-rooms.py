#!/usr/bin/env python3
"""The architecture's two mechanical rules, checked over src/ (run by ctest as `architecture.rooms`).

1. Room order: a file under src/ROOM includes internal headers ("room/x.hpp") only of its own room
   or of a room below it. kernels/ and the public include/ivassign/ are open to every room. io/ sits
   right above common/: it reads and writes the public types only, so it may include common/ and
   nothing of mechanism/, social/ or the rooms between; every room above may use it.
2. Function length: no function body in src/ (nor in the Python binding, python/src/, which is
   outside the rooms: it links the library as any user does, nor in kernels/, the per-element math
   and device code every room may use: .cu, .cuh, .hpp, .h and .cpp alike, __global__ and
   __host__ __device__ functions included) longer than MAX_LINES lines, unless the line before its
   signature holds a comment "long-function: <why>".
3. MPI stays out of the library: only src/distributed/ includes <mpi.h> (the library's task ranges
   serve any scheduler; the command line alone links MPI).
Exit 0 when both hold; else one line per violation and exit 1.
"""
import os
import re
import sys

ROOMS = ["common", "io", "prior", "posterior", "solvers", "vcg", "mechanism", "social", "economy", "incentives",
         "generate", "view", "distributed", "cli"]
MAX_LINES = 80
MPI_INCLUDE = re.compile(r'^\s*#\s*include\s+[<"]mpi\.h[>"]')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"')
SIGNATURE_END = re.compile(r"\)\s*(const)?\s*(noexcept)?\s*(override)?\s*(->\s*[\w:<>, ]+)?\s*\{\s*$")


def room_violations(root):
    out = []
    for dirpath, _, files in os.walk(os.path.join(root, "src")):
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            room = os.path.relpath(path, os.path.join(root, "src")).split(os.sep)[0]
            if room not in ROOMS:
                out.append(f"{path}: room '{room}' is not in the room order of scripts/check-rooms.py")
                continue
            for number, line in enumerate(open(path, encoding="utf-8"), 1):
                if MPI_INCLUDE.match(line) and room != "distributed":
                    out.append(f"{path}:{number}: includes <mpi.h> outside src/distributed/ (the library stays MPI-free)")
                m = INCLUDE.match(line)
                if not m or m.group(1) in ("kernels", "ivassign"):
                    continue
                target = m.group(1)
                if target not in ROOMS:
                    out.append(f"{path}:{number}: includes '{target}/', which is not a room")
                elif ROOMS.index(target) > ROOMS.index(room):
                    out.append(f"{path}:{number}: room '{room}' includes '{line.strip()[9:]}' of the room above it ('{target}')")
    return out


def strip_code(text):
    """Blanks out comments, strings and character literals, keeping line breaks."""
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'R"\((.*?)\)"', lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    return re.sub(r"'(\\.|[^'\\\n])'", "''", text)


LENGTH_CHECKED = ["src", os.path.join("python", "src"), "kernels"]
LENGTH_CHECKED_FILES = (".cpp", ".hpp", ".cu", ".cuh", ".h")


def long_functions(root):
    out = []
    for dirpath, _, files in (w for folder in LENGTH_CHECKED for w in os.walk(os.path.join(root, folder))):
        for name in sorted(files):
            if not name.endswith(LENGTH_CHECKED_FILES):
                continue
            path = os.path.join(dirpath, name)
            raw = open(path, encoding="utf-8").read().split("\n")
            lines = strip_code("\n".join(raw)).split("\n")
            depth, start, scope_depths = 0, None, []
            for k, line in enumerate(lines):
                stripped = line.strip()
                for ch in line:
                    if ch == "{":
                        if start is None and depth == len(scope_depths) and SIGNATURE_END.search(line) \
                                and not re.match(r"^(namespace|struct|class|enum|union|extern)\b", stripped) \
                                and not re.search(r"\b(namespace|struct|class)\b[^()]*\{", stripped):
                            start = (k, depth)
                        elif start is None and re.search(r"\b(namespace|struct|class|union)\b", stripped):
                            scope_depths.append(depth)
                        depth += 1
                    elif ch == "}":
                        depth -= 1
                        if start is not None and depth == start[1]:
                            length = k - start[0] + 1
                            first = start[0]
                            while first > 0 and lines[first - 1].strip() and not raw[first - 1].strip().startswith("//") \
                                    and not lines[first - 1].strip().endswith((";", "}", "{")):
                                first -= 1  # a signature over several lines
                            waiver = first > 0 and "long-function:" in raw[first - 1]
                            if length > MAX_LINES and not waiver:
                                out.append(f"{path}:{first + 1}: function of {length} lines "
                                           f"(over {MAX_LINES}): {raw[first].strip()[:90]}")
                            start = None
                        elif scope_depths and depth == scope_depths[-1]:
                            scope_depths.pop()
    return out


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    problems = room_violations(root) + long_functions(root)
    for p in problems:
        print(p)
    print(f"check-rooms: {len(problems)} problem(s) in {root}/src, {root}/python/src and {root}/kernels")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
