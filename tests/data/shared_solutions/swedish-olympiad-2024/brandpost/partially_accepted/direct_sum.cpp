// Same monotone-path DP as the accepted solution, but adds every hydrant to every cell:
// O(W*H*N). Fast up to W, H <= 150 (groups 1-4); time limit exceeded for W = H = 1000 with
// 20000 hydrants (group 5).
#include <bits/stdc++.h>
using namespace std;
int main() {
    int w, h, n;
    scanf("%d %d %d", &w, &h, &n);
    // one cell's water fits in int (< 2e4 hydrants * 2e3 minutes)
    vector<vector<int>> water(h + 1, vector<int>(w + 1, 0));
    for (int i = 0; i < n; i++) {
        int bx, by;
        scanf("%d %d", &bx, &by);
        for (int y = 1; y <= h; y++) {
            int* row = water[y].data();
            int dy = abs(y - by);
            for (int x = 1; x <= w; x++) {
                int v = (x + y - 2) - abs(x - bx) - dy + 1;  // arrival minute is x+y-2
                row[x] += v > 0 ? v : 0;
            }
        }
    }
    vector<long long> dp(w + 2, LLONG_MAX);
    for (int y = 1; y <= h; y++)
        for (int x = 1; x <= w; x++) {
            long long from = (y == 1 && x == 1) ? 0 : LLONG_MAX;
            if (dp[x] != LLONG_MAX) from = min(from, dp[x]);
            if (x > 1 && dp[x - 1] != LLONG_MAX) from = min(from, dp[x - 1]);
            dp[x] = from + water[y][x];
        }
    printf("%lld\n", dp[w]);
}
