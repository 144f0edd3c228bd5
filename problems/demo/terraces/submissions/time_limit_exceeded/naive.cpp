// For every terrace of the section, looks for the highest terrace on each side by scanning:
// O((R - L)^2) per call.
#include "terraces.h"

#include <algorithm>
#include <vector>

namespace {
std::vector<int> h;
}

void init(std::vector<int> H) { h = H; }

long long water(int L, int R) {
    long long total = 0;
    for (int i = L; i <= R; ++i) {
        int left = 0, right = 0;
        for (int j = L; j <= i; ++j) left = std::max(left, h[j]);
        for (int j = i; j <= R; ++j) right = std::max(right, h[j]);
        total += std::min(left, right) - h[i];
    }
    return total;
}
