// Correct binary search, but prints with the default stream precision (6 significant digits).
#include <algorithm>
#include <iostream>
#include <vector>

int main() {
    int n, k;
    std::cin >> n >> k;
    std::vector<int> a(n), b(n);
    for (auto& x : a) std::cin >> x;
    for (auto& x : b) std::cin >> x;
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
    std::cout << lo << "\n";
}
