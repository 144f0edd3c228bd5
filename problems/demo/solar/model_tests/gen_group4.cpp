// Random input for subtask 4 of Solar Farm (no extra constraints), any K. N goes up to 30000 here
// and is mostly far smaller, so that every candidate runs quickly.
// Usage: gen_group4 SEED
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

namespace {

void appendLine(std::string& out, const std::vector<int>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) {
        out += std::to_string(v[i]);
        out += i + 1 == v.size() ? '\n' : ' ';
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return 1;
    std::mt19937 rng(static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)));
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

    int pattern = pick(0, 3);
    const int sizes[] = {20, 300, 1500};  // one input in eight is large
    int n = pick(0, 7) == 0 ? pick(10000, 30000) : pick(1, sizes[pick(0, 2)]);
    int k;
    switch (pick(0, 3)) {
        case 0: k = pick(1, std::min(n, 3)); break;
        case 1: k = pick(std::max(1, n - 5), n); break;
        case 2: k = pick(1, std::max(1, n / 20)); break;
        default: k = pick(1, n);
    }

    std::vector<int> a(n), b(n);
    if (pattern == 0) {
        int amax = pick(0, 1000), bmax = pick(1, 1000);
        for (int i = 0; i < n; ++i) a[i] = pick(0, amax), b[i] = pick(1, bmax);
    } else if (pattern == 1) {
        // Two excellent stretches whose starts are K apart: any block of exactly K panels holds
        // only one of them, so solutions that only try length K are wrong.
        for (int i = 0; i < n; ++i) a[i] = pick(0, 300), b[i] = pick(500, 1000);
        int gem = std::max(1, k / 4);
        if (n >= k + gem) {
            int start = pick(0, n - k - gem);
            for (int i = 0; i < gem; ++i) {
                a[start + i] = pick(900, 1000), b[start + i] = pick(1, 20);
                a[start + k + i] = pick(900, 1000), b[start + k + i] = pick(1, 20);
            }
        }
    } else if (pattern == 2) {  // drifting efficiency: close values, precision matters
        int level = pick(1, 1000);
        for (int i = 0; i < n; ++i) {
            level = std::min(1000, std::max(1, level + pick(-3, 3)));
            a[i] = std::min(1000, std::max(0, level + pick(-2, 2)));
            b[i] = pick(480, 520);
        }
    } else {  // extreme values: a in {0, 1000}, b in {1, 1000}
        for (int i = 0; i < n; ++i) a[i] = pick(0, 1) * 1000, b[i] = pick(0, 1) ? 1000 : 1;
    }

    std::string out = std::to_string(n) + " " + std::to_string(k) + "\n";
    appendLine(out, a);
    appendLine(out, b);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
