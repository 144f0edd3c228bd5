# Dinkelbach's method on exact integers: with lambda = p/q, find the block of length >= K that
# maximises sum(a*q - p*b); its own efficiency is the next lambda. Stops when the maximum is 0.
# Each round is a handful of C-speed passes (accumulate, map), so a few rounds fit in time.
import sys
from itertools import accumulate
from operator import sub


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = list(map(int, data[2 : 2 + n]))
    b = list(map(int, data[2 + n : 2 + 2 * n]))
    pa = list(accumulate(a, initial=0))
    pb = list(accumulate(b, initial=0))
    p, q = 0, 1
    first = True
    while True:
        prefix = list(accumulate([x * q - p * y for x, y in zip(a, b, strict=True)], initial=0))
        lows = list(accumulate(prefix[: n - k + 1], min))  # lows[t] = min(prefix[0..t])
        gains = list(map(sub, prefix[k:], lows))  # gains[t] = best block ending at t + k
        best = max(gains)
        if best <= 0 and not first:
            break
        j = gains.index(best) + k
        i = prefix.index(lows[j - k])
        p, q = pa[j] - pa[i], pb[j] - pb[i]
        first = False
        if best <= 0:
            break
    print(f"{p / q:.9f}")


main()
