// Reads into vectors that were never sized: writes through a null data pointer (SIGSEGV).
#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n, k;
    std::scanf("%d %d", &n, &k);
    std::vector<int> a, b;
    for (int i = 0; i < n; ++i) std::scanf("%d", &a[i]);
    for (int i = 0; i < n; ++i) std::scanf("%d", &b[i]);
    std::vector<double> prefix(n + 1);
    auto reachable = [&](double x) {
        for (int i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + (a[i] - x * b[i]);
        double low = 0;
        for (int j = k; j <= n; ++j) {
            low = std::min(low, prefix[j - k]);
            if (prefix[j] - low >= 0) return true;
        }
        return false;
    };
    double lo = 0, hi = 1000;
    for (int it = 0; it < 100; ++it) {
        double mid = (lo + hi) / 2;
        (reachable(mid) ? lo : hi) = mid;
    }
    std::printf("%.9f\n", lo);
}
