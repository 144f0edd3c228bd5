// Random input for subtask 2 of Lanterns: b_i <= 10 (N up to 50000 here, to keep runs quick).
// Usage: gen_group2 SEED
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

    // Roughly log-uniform size: mostly small rows, sometimes tens of thousands.
    const int sizes[] = {9, 100, 1000, 10000, 50000};
    int n = pick(1, sizes[pick(0, 4)]);
    int maxv = pick(1, 10);
    int pattern = pick(0, 3);

    std::vector<int> b(n);
    for (auto& x : b) x = pick(1, maxv);
    if (pattern == 1) {
        // Non-increasing blocks 10, 9, ..., 1: a light walking to the right crosses long runs of
        // equal lanterns, the slow case of a naive scan.
        std::sort(b.rbegin(), b.rend());
    } else if (pattern == 2) {
        std::sort(b.begin(), b.end());
    } else if (pattern == 3) {  // only two brightness values, mostly the larger one
        int lo = pick(1, 9);
        for (auto& x : b) x = pick(0, 9) == 0 ? lo : lo + 1;
    }

    std::string out = std::to_string(n) + "\n";
    for (int i = 0; i < n; ++i) {
        out += std::to_string(b[i]);
        out += i + 1 == n ? '\n' : ' ';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
