import sys

data = sys.stdin.read().split()
n = int(data[0])
rows = data[1 : 1 + n]
row_ones = [r.count("1") for r in rows]
total = sum(row_ones)
col_ones = [0] * n
for r in rows:
    for j, ch in enumerate(r):
        if ch == "1":
            col_ones[j] += 1
row = any(total - k + n - k <= n for k in row_ones)
col = any(total - k + n - k <= n for k in col_ones)
print("+" if row and col else "-" if row else "|")
