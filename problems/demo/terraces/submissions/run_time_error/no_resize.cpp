// Forgets to size the prefix-sum vector before filling it: writes through a null pointer.
#include "terraces.h"

#include <algorithm>
#include <vector>

namespace {
std::vector<int> h;
std::vector<long long> prefix;
}

void init(std::vector<int> H) {
    h = H;
    for (std::size_t i = 0; i < h.size(); ++i) prefix[i + 1] = prefix[i] + h[i];
}

long long water(int L, int R) {
    long long total = 0;
    std::vector<int> right(R - L + 1);
    int best = 0;
    for (int i = R; i >= L; --i) right[i - L] = best = std::max(best, h[i]);
    best = 0;
    for (int i = L; i <= R; ++i) {
        best = std::max(best, h[i]);
        total += std::min(best, right[i - L]);
    }
    return total - (prefix[R + 1] - prefix[L]);
}
