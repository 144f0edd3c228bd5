// Random input for the whole of Lanterns (any subtask): N up to 200000, b_i up to 10^9.
// Usage: gen_any SEED
//
// Demo note: this generator is deliberately a little wrong, as model-written ones often are: it
// draws brightnesses from [0, maxv] instead of [1, maxv]. With a small maxv most of its inputs
// contain a 0 and are invalid; val_all rejects them, so they are dropped for every subtask
// (for subtask 2 even though the lax val_group2 accepts them: 1 vote of 2 is below 75%).
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

    int n;
    if (pick(0, 15) == 0) {
        n = static_cast<int>(pick(100000, 200000));  // near the limit, now and then
    } else {
        const int sizes[] = {5, 300, 1000, 20000};
        n = static_cast<int>(pick(1, sizes[pick(0, 3)]));
    }
    const long long caps[] = {10, 1000, 1000000000};
    long long maxv = caps[pick(0, 2)];

    std::vector<long long> b(n);
    for (auto& x : b) x = pick(0, maxv);
    if (pick(0, 3) == 0) std::sort(b.begin(), b.end());

    std::string out = std::to_string(n) + "\n";
    for (int i = 0; i < n; ++i) {
        out += std::to_string(b[i]);
        out += i + 1 == n ? '\n' : ' ';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
