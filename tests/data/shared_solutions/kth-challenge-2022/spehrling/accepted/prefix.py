a = input().strip()
b = input().strip()
p = 0
while p < len(a) and p < len(b) and a[p] == b[p]:
    p += 1
print(len(a) + len(b) - 2 * p)
