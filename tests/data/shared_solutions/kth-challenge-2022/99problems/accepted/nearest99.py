n = int(input())
best = None
for k in range(0, 102):
    c = 100 * k + 99
    # strictly closer wins; equal distance prefers the bigger (later) candidate
    if best is None or abs(c - n) <= abs(best - n):
        best = c
print(best)
