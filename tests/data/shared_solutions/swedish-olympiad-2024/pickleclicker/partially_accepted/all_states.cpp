// Exhaustive search: keeps every reachable (production, pickles) state each second, with no
// dominance pruning. Fine for T <= 10 (group 2); the state sets explode for larger T.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    long long t;
    scanf("%d %lld", &n, &t);
    vector<long long> p(n), c(n);
    for (int i = 0; i < n; i++) scanf("%lld %lld", &p[i], &c[i]);
    vector<pair<long long, long long>> states = {{p[0], 0}}, next;
    for (long long sec = 1;; sec++) {
        next.clear();
        for (auto [r, m] : states) {
            long long now = m + r;
            if (now >= t) { printf("%lld\n", sec); return 0; }
            next.push_back({r, now});
            for (int i = 0; i < n; i++)
                if (now >= c[i]) next.push_back({r + p[i], now - c[i]});
        }
        sort(next.begin(), next.end());
        next.erase(unique(next.begin(), next.end()), next.end());
        swap(states, next);
    }
}
