// Simulate second by second, keeping every state (production R, pickles m) that is not
// dominated by another state with R' >= R and m' >= m: more production and more pickles are
// never worse. Production is capped at T (it then wins the next second anyway).
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    long long t;
    scanf("%d %lld", &n, &t);
    vector<long long> p(n), c(n);
    for (int i = 0; i < n; i++) scanf("%lld %lld", &p[i], &c[i]);
    vector<pair<long long, long long>> front = {{p[0], 0}}, cand;
    for (long long sec = 1;; sec++) {
        cand.clear();
        for (auto [r, m] : front) {
            long long now = m + r;
            if (now >= t) { printf("%lld\n", sec); return 0; }
            cand.push_back({r, now});
            for (int i = 0; i < n; i++)
                if (now >= c[i]) cand.push_back({min(r + p[i], t), now - c[i]});
        }
        // keep the Pareto front: by production descending, pickles must strictly increase
        sort(cand.begin(), cand.end(), [](auto& a, auto& b) {
            return a.first != b.first ? a.first > b.first : a.second > b.second;
        });
        front.clear();
        long long bestM = -1;
        for (auto& s : cand)
            if (s.second > bestM) { front.push_back(s); bestM = s.second; }
    }
}
