// Wrong idea: "a longer block never helps", so only blocks of exactly K panels are tried.
// Right for K = 1 (subtask 3), wrong in general.
#include <cstdio>
#include <vector>

int main() {
    int n, k;
    std::scanf("%d %d", &n, &k);
    std::vector<long long> pa(n + 1), pb(n + 1);
    for (int i = 0; i < n; ++i) { std::scanf("%lld", &pa[i + 1]); pa[i + 1] += pa[i]; }
    for (int i = 0; i < n; ++i) { std::scanf("%lld", &pb[i + 1]); pb[i + 1] += pb[i]; }
    double best = 0;
    for (int l = 0; l + k <= n; ++l) {
        double e = double(pa[l + k] - pa[l]) / double(pb[l + k] - pb[l]);
        if (e > best) best = e;
    }
    std::printf("%.9f\n", best);
}
