// Random input for subtask 3 of Solar Farm: K = 1 (single panels count), N up to 30000 here.
// Usage: gen_group3 SEED
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) return 1;
    std::mt19937 rng(static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)));
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

    const int sizes[] = {5, 500, 1500};  // one input in eight is large
    int n = pick(0, 7) == 0 ? pick(10000, 30000) : pick(1, sizes[pick(0, 2)]);
    std::vector<int> a(n), b(n);
    switch (pick(0, 3)) {
        case 0: {  // uniform with random caps
            int amax = pick(0, 1000), bmax = pick(1, 1000);
            for (int i = 0; i < n; ++i) a[i] = pick(0, amax), b[i] = pick(1, bmax);
            break;
        }
        case 1:  // every panel alike: every block has the same efficiency
            for (int i = 0; i < n; ++i) a[i] = 1000, b[i] = 1000;
            break;
        case 2:  // small values, lots of exact ties between different blocks
            for (int i = 0; i < n; ++i) a[i] = pick(0, 3), b[i] = pick(1, 3);
            break;
        default: {  // one good panel hidden in a poor row
            for (int i = 0; i < n; ++i) a[i] = pick(0, 100), b[i] = pick(900, 1000);
            int best = pick(0, n - 1);
            a[best] = pick(500, 1000), b[best] = pick(1, 10);
        }
    }

    std::string out = std::to_string(n) + " 1\n";
    for (int i = 0; i < n; ++i) out += std::to_string(a[i]) + (i + 1 == n ? "\n" : " ");
    for (int i = 0; i < n; ++i) out += std::to_string(b[i]) + (i + 1 == n ? "\n" : " ");
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
