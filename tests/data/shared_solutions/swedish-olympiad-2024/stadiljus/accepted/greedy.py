import sys

data = sys.stdin.buffer.read().split()
n, x, y = int(data[0]), int(data[1]), int(data[2])
lengths = sorted(map(int, data[3 : 3 + n]))
total = 0
best = 0
for k, v in enumerate(lengths, 1):
    total += x * v
    if total > y * k:
        break
    best = k
print(best)
