# Walks the light of every lantern step by step: O(N^2), enough for subtask 1 only.
import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    b = list(map(int, data[1 : n + 1]))
    glow = 0
    for i in range(n):
        v = b[i]
        j = i + 1
        while j < n:
            glow += 1
            if b[j] > v:
                break
            j += 1
        j = i - 1
        while j >= 0:
            glow += 1
            if b[j] > v:
                break
            j -= 1
    print(glow)


main()
