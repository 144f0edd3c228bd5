// Uses the name `best` before declaring it.
#include <cstdio>
#include <vector>

int main() {
    int n, k;
    std::scanf("%d %d", &n, &k);
    std::vector<long long> pa(n + 1), pb(n + 1);
    for (int i = 0; i < n; ++i) { std::scanf("%lld", &pa[i + 1]); pa[i + 1] += pa[i]; }
    for (int i = 0; i < n; ++i) { std::scanf("%lld", &pb[i + 1]); pb[i + 1] += pb[i]; }
    for (int l = 0; l < n; ++l)
        for (int r = l + k; r <= n; ++r) {
            double e = double(pa[r] - pa[l]) / double(pb[r] - pb[l]);
            if (e > best) best = e;
        }
    std::printf("%.9f\n", best);
}
