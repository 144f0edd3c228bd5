// Subtasks 1 and 2: when every brightness is at most 10, keep the last position of each
// brightness value; otherwise fall back to walking the light (too slow for subtask 3).
#include <algorithm>
#include <cstdio>
#include <vector>

int main() {
    int n;
    std::scanf("%d", &n);
    std::vector<int> b(n);
    for (auto& x : b) std::scanf("%d", &x);
    long long glow = 0;
    if (*std::max_element(b.begin(), b.end()) <= 10) {
        int last[11];
        std::fill(last, last + 11, -1);
        for (int i = 0; i < n; ++i) {  // left side: latest position holding a brighter value
            int best = -1;
            for (int v = b[i] + 1; v <= 10; ++v) best = std::max(best, last[v]);
            glow += best < 0 ? i : i - best;
            last[b[i]] = i;
        }
        std::fill(last, last + 11, n);
        for (int i = n - 1; i >= 0; --i) {
            int best = n;
            for (int v = b[i] + 1; v <= 10; ++v) best = std::min(best, last[v]);
            glow += best == n ? n - 1 - i : best - i;
            last[b[i]] = i;
        }
    } else {
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
    }
    std::printf("%lld\n", glow);
}
