// Walks the light of every lantern: O(N^2), far too slow once N reaches 10^5.
#include <cstdio>
#include <vector>

int main() {
    int n;
    std::scanf("%d", &n);
    std::vector<long long> b(n);
    for (auto& x : b) std::scanf("%lld", &x);
    long long glow = 0;
    for (int i = 0; i < n; ++i) {
        for (int j = i + 1; j < n; ++j) {
            ++glow;
            if (b[j] > b[i]) break;
        }
        for (int j = i - 1; j >= 0; --j) {
            ++glow;
            if (b[j] > b[i]) break;
        }
    }
    std::printf("%lld\n", glow);
}
