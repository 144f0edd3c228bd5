p = input().strip()
k = int(input())
n = len(p)
INF = float("inf")


def cost(length: int) -> int:
    return (length + k - 1) // k


best = INF
for ch in set(p):
    dp = [INF] * n
    for i in range(n):
        if p[i] != ch:
            continue
        dp[i] = cost(i)
        for j in range(i):
            if dp[j] < INF:
                dp[i] = min(dp[i], dp[j] + cost(i - j - 1))
        best = min(best, dp[i] + cost(n - 1 - i))
print(best)
