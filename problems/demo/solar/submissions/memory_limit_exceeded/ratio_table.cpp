// Tabulates the efficiency of every block before taking the maximum: about N^2/2 doubles,
// 100 MB for N = 5000 but 40 GB for N = 100000 (filled row by row until memory runs out).
#include <cstdio>
#include <vector>

int main() {
    int n, k;
    std::scanf("%d %d", &n, &k);
    std::vector<long long> pa(n + 1), pb(n + 1);
    for (int i = 0; i < n; ++i) { std::scanf("%lld", &pa[i + 1]); pa[i + 1] += pa[i]; }
    for (int i = 0; i < n; ++i) { std::scanf("%lld", &pb[i + 1]); pb[i + 1] += pb[i]; }
    std::vector<std::vector<double>> eff(n);
    for (int l = 0; l < n; ++l) {
        eff[l].resize(n - l);
        for (int r = l + 1; r <= n; ++r)
            eff[l][r - l - 1] = double(pa[r] - pa[l]) / double(pb[r] - pb[l]);
    }
    double best = 0;
    for (int l = 0; l < n; ++l)
        for (int len = k; len <= n - l; ++len)
            if (eff[l][len - 1] > best) best = eff[l][len - 1];
    std::printf("%.9f\n", best);
}
