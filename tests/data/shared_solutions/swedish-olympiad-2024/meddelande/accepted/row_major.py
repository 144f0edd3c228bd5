n, m = map(int, input().split())
print("".join(ch for _ in range(n) for ch in input().strip() if ch != "."))
