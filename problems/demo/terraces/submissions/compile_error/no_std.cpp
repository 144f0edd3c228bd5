// Uses `vector` without `std::` (and without a using-declaration).
#include "terraces.h"

#include <algorithm>

namespace {
vector<int> h;
}

void init(std::vector<int> H) { h = H; }

long long water(int L, int R) {
    long long total = 0;
    for (int i = L; i <= R; ++i) {
        int left = *std::max_element(h.begin() + L, h.begin() + i + 1);
        int right = *std::max_element(h.begin() + i, h.begin() + R + 1);
        total += std::min(left, right) - h[i];
    }
    return total;
}
