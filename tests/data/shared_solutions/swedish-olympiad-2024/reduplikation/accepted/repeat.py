s = input().strip()
k = int(input())
print(s * k)
