// Plausible but wrong: every second, buys the affordable building with the best
// production-per-cost ratio, as long as it would pay for itself before the simple
// "stop buying and wait" finish time.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    long long t;
    scanf("%d %lld", &n, &t);
    vector<long long> p(n), c(n);
    for (int i = 0; i < n; i++) scanf("%lld %lld", &p[i], &c[i]);
    long long rate = p[0], have = 0;
    for (long long sec = 1;; sec++) {
        have += rate;
        if (have >= t) { printf("%lld\n", sec); return 0; }
        long long left = (t - have + rate - 1) / rate;  // seconds still needed without buying
        int pick = -1;
        for (int i = 0; i < n; i++)
            if (have >= c[i] && p[i] * left > c[i] && (pick < 0 || p[i] * c[pick] > p[pick] * c[i])) pick = i;
        if (pick >= 0) { have -= c[pick]; rate += p[pick]; }
    }
}
