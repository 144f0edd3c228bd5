// Random input for subtask 3 of Lanterns (no extra constraints): b_i up to 10^9, N up to 50000.
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
    auto pick = [&](long long lo, long long hi) {
        return std::uniform_int_distribution<long long>(lo, hi)(rng);
    };

    int pattern = static_cast<int>(pick(0, 4));
    const int sizes[] = {10, 100, 1000, 10000, 50000};
    int n = static_cast<int>(pick(1, sizes[pick(0, 4)]));
    std::vector<long long> b(n);
    for (auto& x : b) x = pick(1, 1000000000);

    if (pattern == 1) {  // mountain of distinct heights
        std::sort(b.begin(), b.end());
        std::reverse(b.begin() + pick(0, n - 1), b.end());
    } else if (pattern == 2) {
        // Sawtooth: long decreasing runs, so the stack grows deep and then empties at once.
        int teeth = static_cast<int>(pick(1, 30));
        int run = std::max(1, n / teeth);
        long long v = 0;
        for (int i = 0; i < n; ++i) {
            if (i % run == 0) v = pick(500000000, 1000000000);
            b[i] = v;
            v = std::max(1LL, v - pick(1, 10));
        }
    } else if (pattern == 3) {  // two close values: many ties between far-apart lanterns
        long long hi = pick(2, 1000000000);
        for (auto& x : b) x = pick(0, 9) == 0 ? hi - 1 : hi;
    } else if (pattern == 4) {  // small values, answer dominated by equal runs
        for (auto& x : b) x = pick(1, 3);
    }

    std::string out = std::to_string(n) + "\n";
    for (int i = 0; i < n; ++i) {
        out += std::to_string(b[i]);
        out += i + 1 == n ? '\n' : ' ';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
