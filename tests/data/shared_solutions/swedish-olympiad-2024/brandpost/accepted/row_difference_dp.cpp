// Water at a cell only grows with time and f(t+1, c') >= f(t, c) for neighbours c', which lets
// any path be matched level by level with a monotone (north/east) path that is no wetter; so
// Robert reaches (x, y) at minute x+y-2. A hydrant b then contributes
//   max(0, 2 min(x,bx) + 2 min(y,by) - bx - by - 1)
// there. Within one row this is piecewise linear in x (a constant part for x >= bx and
// 2x + A below), so each hydrant adds two range updates per row to difference arrays:
// O(N*H + W*H). A min-sum monotone path DP finishes.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int w, h, n;
    scanf("%d %d %d", &w, &h, &n);
    vector<int> bx(n), by(n);
    for (int i = 0; i < n; i++) scanf("%d %d", &bx[i], &by[i]);
    vector<long long> dp(w + 2, LLONG_MAX), dConst(w + 2), dCoef(w + 2);
    for (int y = 1; y <= h; y++) {
        fill(dConst.begin(), dConst.end(), 0);
        fill(dCoef.begin(), dCoef.end(), 0);
        for (int i = 0; i < n; i++) {
            long long a = 2LL * min(y, by[i]) - bx[i] - by[i] - 1;
            long long flat = a + 2LL * bx[i];
            if (flat > 0) { dConst[bx[i]] += flat; dConst[w + 1] -= flat; }
            // 2x + a >= 1  <=>  x >= ceil((1 - a) / 2)
            long long num = 1 - a;
            long long x0 = num >= 0 ? (num + 1) / 2 : -((-num) / 2);
            x0 = max(x0, 1LL);
            if (x0 <= bx[i] - 1) {
                dConst[x0] += a; dConst[bx[i]] -= a;
                dCoef[x0] += 2; dCoef[bx[i]] -= 2;
            }
        }
        long long c = 0, k = 0;
        for (int x = 1; x <= w; x++) {
            c += dConst[x];
            k += dCoef[x];
            long long water = c + k * x;
            long long from = LLONG_MAX;
            if (y == 1 && x == 1) from = 0;
            if (dp[x] != LLONG_MAX) from = min(from, dp[x]);          // from the south
            if (x > 1 && dp[x - 1] != LLONG_MAX) from = min(from, dp[x - 1]);  // from the west
            dp[x] = from + water;
        }
    }
    printf("%lld\n", dp[w]);
}
