// Random input for subtask 1 of Lanterns: N <= 1000, 1 <= b_i <= 10^9.
// Usage: gen_group1 SEED  (prints one input on stdout)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) return 1;
    std::mt19937 rng(static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)));
    auto pick = [&](long long lo, long long hi) {
        return std::uniform_int_distribution<long long>(lo, hi)(rng);
    };

    // Tiny rows now and then: edge cases (N = 1, N = 2) are where off-by-one bugs live.
    int n = pick(0, 5) == 0 ? static_cast<int>(pick(1, 8)) : static_cast<int>(pick(1, 1000));
    const long long caps[] = {1, 2, 3, 10, 1000, 1000000000};
    long long maxv = caps[pick(0, 5)];
    int pattern = static_cast<int>(pick(0, 4));

    std::vector<long long> b(n);
    for (auto& x : b) x = pick(1, maxv);
    if (pattern == 1) {  // sorted ascending: every lantern is blocked by its right neighbour
        std::sort(b.begin(), b.end());
    } else if (pattern == 2) {  // sorted descending, lots of equal values when maxv is small
        std::sort(b.rbegin(), b.rend());
    } else if (pattern == 3) {  // mountain: rises to a peak, then falls
        std::sort(b.begin(), b.end());
        int peak = static_cast<int>(pick(0, n - 1));
        std::reverse(b.begin() + peak, b.end());
    } else if (pattern == 4) {  // all lanterns equally bright
        std::fill(b.begin(), b.end(), pick(1, maxv));
    }

    std::printf("%d\n", n);
    for (int i = 0; i < n; ++i) std::printf("%lld%c", b[i], i + 1 == n ? '\n' : ' ');
    return 0;
}
