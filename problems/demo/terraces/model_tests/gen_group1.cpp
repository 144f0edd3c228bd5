// Random input for subtask 1 of Terraces: N <= 300, Q <= 300, in the sample grader's format:
//   N Q / H[0] .. H[N-1] / Q lines "L R".
// Usage: gen_group1 SEED
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <utility>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2) return 1;
    std::mt19937 rng(static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)));
    auto pick = [&](long long lo, long long hi) {
        return std::uniform_int_distribution<long long>(lo, hi)(rng);
    };

    const int sizes[] = {3, 20, 300, 300};
    int n = static_cast<int>(pick(1, sizes[pick(0, 3)]));
    int q = static_cast<int>(pick(1, sizes[pick(0, 3)]));
    const long long caps[] = {0, 10, 1000, 1000000000};
    long long hmax = caps[pick(0, 3)];

    std::vector<long long> h(n);
    switch (pick(0, 3)) {
        case 0:  // uniform
            for (auto& x : h) x = pick(0, hmax);
            break;
        case 1:  // plateaus: runs of equal heights, so sections often have several highest terraces
            for (int i = 0; i < n;) {
                long long v = pick(0, hmax);
                for (int run = static_cast<int>(pick(1, 8)); run > 0 && i < n; --run) h[i++] = v;
            }
            break;
        case 2:  // V-shaped valleys between ridges
            for (int i = 0; i < n;) {
                int width = static_cast<int>(pick(2, std::max(2, n / 10)));
                long long ridge = pick(hmax / 2, hmax);
                for (int k = 0; k <= width && i < n; ++k) h[i++] = std::llabs(ridge - 2 * ridge * k / width);
            }
            break;
        default: {  // one hill: rises to a flat summit, then falls
            int top1 = static_cast<int>(pick(0, n - 1)), top2 = static_cast<int>(pick(0, n - 1));
            if (top1 > top2) std::swap(top1, top2);
            for (int i = 0; i < n; ++i) {
                long long base = i < top1 ? hmax * i / std::max(1, top1)
                                 : i > top2 ? hmax * (n - 1 - i) / std::max(1, n - 1 - top2)
                                            : hmax;
                h[i] = std::max(0LL, base - pick(0, 2) * std::max(1LL, hmax / 20));
            }
        }
    }

    bool longSections = pick(0, 2) == 0;  // the worst case for scanning each section
    std::string out = std::to_string(n) + " " + std::to_string(q) + "\n";
    for (int i = 0; i < n; ++i) out += std::to_string(h[i]) + (i + 1 == n ? "\n" : " ");
    for (int j = 0; j < q; ++j) {
        long long l, r;
        if (j == 0) {
            l = 0, r = n - 1;  // the whole row
        } else if (longSections) {
            long long edge = std::max(1, n / 10);
            l = pick(0, edge - 1), r = n - 1 - pick(0, edge - 1);
        } else {
            l = pick(0, n - 1), r = pick(0, n - 1);
            if (l > r) std::swap(l, r);
        }
        out += std::to_string(l) + " " + std::to_string(r) + "\n";
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
