// Stores an N x N table "lit[i][j]": fine for N <= 1000, but the rows for N = 200000 need
// 40 GB; memory is filled row by row until the limit is hit.
#include <cstdio>
#include <vector>

int main() {
    int n;
    std::scanf("%d", &n);
    std::vector<long long> b(n);
    for (auto& x : b) std::scanf("%lld", &x);
    std::vector<std::vector<char>> lit(n, std::vector<char>(n, 0));
    for (int i = 0; i < n; ++i) {
        for (int j = i + 1; j < n; ++j) {
            lit[i][j] = 1;
            if (b[j] > b[i]) break;
        }
        for (int j = i - 1; j >= 0; --j) {
            lit[i][j] = 1;
            if (b[j] > b[i]) break;
        }
    }
    long long glow = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) glow += lit[i][j];
    std::printf("%lld\n", glow);
}
