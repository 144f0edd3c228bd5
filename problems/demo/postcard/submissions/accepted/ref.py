# Reference in Python: Elias-Fano code, or fixed width when that is as short (see accepted/ref.cpp).
import sys


def main() -> None:
    data = sys.stdin.read().split()
    mode, n, k = data[0], int(data[1]), int(data[2])
    b = n.bit_length()
    low = 0
    while (k << low) < n:
        low += 1
    fixed = b <= low + 2
    if mode == "encode":
        values = [int(x) for x in data[5 : 5 + k]]
        if fixed:
            card = "".join(format(x, f"0{b}b") for x in values)
        else:
            mask = (1 << low) - 1
            lows = "".join(format((x - 1) & mask, f"0{low}b") if low else "" for x in values)
            parts, bucket = [], 0
            for x in values:
                high = (x - 1) >> low
                parts.append("0" * (high - bucket) + "1")
                bucket = high
            card = lows + "".join(parts)
        sys.stdout.write(card + "\n")
        return
    card = data[3]
    out = []
    if fixed:
        out = [int(card[j * b : (j + 1) * b], 2) for j in range(k)]
    else:
        pos, bucket = k * low, 0
        for j in range(k):
            while card[pos] == "0":
                bucket += 1
                pos += 1
            pos += 1
            bits = card[j * low : (j + 1) * low]
            out.append((bucket << low) + (int(bits, 2) if bits else 0) + 1)
    sys.stdout.write("\n".join(map(str, out)) + "\n")


main()
