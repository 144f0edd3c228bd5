import sys


def main() -> None:
    data = sys.stdin.buffer.read().split()
    r, c, u = int(data[0]), int(data[1]), int(data[2])
    # one padding column and row of water so neighbours never wrap or leave the grid
    w = c + 1
    land = bytearray(w * (r + 2))
    s = 0
    for i in range(r):
        row = data[3 + i]
        base = (i + 1) * w
        for j, ch in enumerate(row):
            if ch != 46:  # '.'
                land[base + j] = 1
                if ch == 83:  # 'S'
                    s = base + j
    par = list(range(len(land)))
    size = [1] * len(land)

    def find(x: int) -> int:
        root = x
        while par[root] != root:
            root = par[root]
        while par[x] != root:
            par[x], x = root, par[x]
        return root

    def join(v: int, nbrs: tuple[int, ...]) -> None:
        for d in nbrs:
            x = v + d
            if land[x]:
                a, b = find(v), find(x)
                if a != b:
                    if size[a] < size[b]:
                        a, b = b, a
                    par[b] = a
                    size[a] += size[b]

    back = (-1, -w)
    for v in range(w, w * (r + 1)):
        if land[v]:
            join(v, back)  # left and up suffice for the initial grid
    out = [size[find(s)]]
    every = (-1, 1, -w, w)
    pos = 3 + r
    for _ in range(u):
        v = int(data[pos]) * w + int(data[pos + 1]) - 1
        pos += 2
        if not land[v]:
            land[v] = 1
            join(v, every)
        out.append(size[find(s)])
    sys.stdout.write("\n".join(map(str, out)) + "\n")


main()
