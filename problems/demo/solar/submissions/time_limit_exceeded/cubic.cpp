// Sums every block from scratch: O(N^3).
#include <cstdio>
#include <vector>

int main() {
    int n, k;
    std::scanf("%d %d", &n, &k);
    std::vector<int> a(n), b(n);
    for (auto& x : a) std::scanf("%d", &x);
    for (auto& x : b) std::scanf("%d", &x);
    double best = 0;
    for (int l = 0; l < n; ++l)
        for (int r = l + k - 1; r < n; ++r) {
            long long sa = 0, sb = 0;
            for (int i = l; i <= r; ++i) { sa += a[i]; sb += b[i]; }
            double e = double(sa) / double(sb);
            if (e > best) best = e;
        }
    std::printf("%.9f\n", best);
}
