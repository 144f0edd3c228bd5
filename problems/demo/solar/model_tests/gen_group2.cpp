// Random input for subtask 2 of Solar Farm: N <= 5000, 1 <= K <= N, 0 <= a_i <= 1000, 1 <= b_i <= 1000.
// Usage: gen_group2 SEED  (prints one input on stdout)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) return 1;
    std::mt19937 rng(static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)));
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

    // Mostly small rows; one input in eight near the subtask's limit (enough to expose slow
    // solutions without spending the whole budget on them).
    const int sizes[] = {10, 300, 1500};
    int n = pick(0, 7) == 0 ? pick(2000, 5000) : pick(1, sizes[pick(0, 2)]);
    int k;
    switch (pick(0, 3)) {
        case 0: k = 1; break;
        case 1: k = n; break;
        case 2: k = pick(1, std::min(n, 50)); break;
        default: k = pick(1, n);
    }
    std::vector<int> a(n), b(n);
    int pattern = pick(0, 3);
    if (pattern == 0) {  // uniform, with random caps so small values and ties show up too
        int amax = pick(0, 1000), bmax = pick(1, 1000);
        for (int i = 0; i < n; ++i) a[i] = pick(0, amax), b[i] = pick(1, bmax);
    } else if (pattern == 1) {  // no production at all: the answer is exactly 0
        for (int i = 0; i < n; ++i) a[i] = 0, b[i] = pick(1, 1000);
    } else if (pattern == 2) {
        // Two excellent stretches K apart in mediocre panels: the best block is longer than K.
        for (int i = 0; i < n; ++i) a[i] = pick(0, 300), b[i] = pick(500, 1000);
        int gem = std::max(1, k / 4);
        if (n >= k + gem) {
            int start = pick(0, n - k - gem);
            for (int i = 0; i < gem; ++i) {
                a[start + i] = pick(900, 1000), b[start + i] = pick(1, 20);
                a[start + k + i] = pick(900, 1000), b[start + k + i] = pick(1, 20);
            }
        }
    } else {  // slowly drifting efficiency: many blocks are almost equally good
        int level = 500;
        for (int i = 0; i < n; ++i) {
            level = std::min(1000, std::max(1, level + pick(-3, 3)));
            a[i] = std::min(1000, std::max(0, level + pick(-2, 2)));
            b[i] = pick(480, 520);
        }
    }

    std::printf("%d %d\n", n, k);
    for (int i = 0; i < n; ++i) std::printf("%d%c", a[i], i + 1 == n ? '\n' : ' ');
    for (int i = 0; i < n; ++i) std::printf("%d%c", b[i], i + 1 == n ? '\n' : ' ');
    return 0;
}
