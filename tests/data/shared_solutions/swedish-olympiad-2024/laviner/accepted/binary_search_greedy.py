import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    par = [0, 0] + [int(x) for x in data[2 : n + 1]]

    def walls_needed(d: int) -> int:
        res = [1] * (n + 1)
        walls = 0
        for v in range(n, 1, -1):
            rv = res[v]
            if rv > d:
                walls += 1
            else:
                res[par[v]] += rv
        return walls + (res[1] > d)

    lo, hi = 1, n
    while lo < hi:
        mid = (lo + hi) // 2
        if walls_needed(mid) <= k:
            hi = mid
        else:
            lo = mid + 1
    print(lo)


main()
