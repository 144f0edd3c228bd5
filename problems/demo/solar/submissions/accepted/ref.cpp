// Reference solution: binary search on the efficiency x. A block of length >= K reaches x iff
// sum(a_i - x * b_i) >= 0 over it, which a prefix-minimum scan checks in O(N). Prefix sums reach
// 10^8 in magnitude, so they are kept in long double to stay far inside the 1e-6 tolerance.
#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n, k;
    if (std::scanf("%d %d", &n, &k) != 2) return 1;
    std::vector<int> a(n), b(n);
    for (auto& x : a) std::scanf("%d", &x);
    for (auto& x : b) std::scanf("%d", &x);

    std::vector<long double> prefix(n + 1);
    auto reachable = [&](long double x) {
        prefix[0] = 0;
        for (int i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + (a[i] - x * b[i]);
        long double low = prefix[0];
        for (int j = k; j <= n; ++j) {
            low = std::min(low, prefix[j - k]);
            if (prefix[j] - low >= 0) return true;
        }
        return false;
    };
    long double lo = 0, hi = 1000;  // every efficiency lies in [0, 1000]
    for (int it = 0; it < 100; ++it) {
        long double mid = (lo + hi) / 2;
        (reachable(mid) ? lo : hi) = mid;
    }
    std::printf("%.9Lf\n", lo);
    return 0;
}
