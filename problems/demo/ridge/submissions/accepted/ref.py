# Reference in Python: Fibonacci search, as accepted/ref.cpp.
import sys


def main() -> None:
    first = sys.stdin.readline().split()
    if len(first) < 2:
        return
    n = int(first[0])
    known: dict[int, int] = {}

    def height(i: int) -> float:
        if i > n:
            return float("-inf")  # past the end the ridge keeps falling; no query needed
        if i not in known:
            print(f"? {i}", flush=True)
            line = sys.stdin.readline()
            if not line:
                sys.exit(0)
            known[i] = int(line)
        return known[i]

    fib = [1, 2]
    while fib[-1] < n + 1:
        fib.append(fib[-1] + fib[-2])
    lo, k = 0, len(fib) - 1
    while k >= 2:
        left, right = lo + fib[k - 2], lo + fib[k - 1]
        if height(left) < height(right):
            lo = left
        k -= 1
    print(f"! {lo + 1}", flush=True)


main()
