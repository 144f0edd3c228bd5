// Precomputes the answer for every section [L, R] (N^2 / 2 numbers): 360 KB for N = 300,
// 10 GB for N = 50000; the table is allocated (and zero-filled) row by row until memory runs out.
#include "terraces.h"

#include <vector>

namespace {
std::vector<std::vector<long long>> answer;  // answer[L][R - L]
}

void init(std::vector<int> H) {
    int n = H.size();
    answer.resize(n);
    for (int l = 0; l < n; ++l) answer[l].assign(n - l, 0);
    for (int l = 0; l < n; ++l) {
        // stack method from l: water of [l, r] for every r
        std::vector<int> st;
        long long total = 0;
        for (int i = l; i < n; ++i) {
            while (!st.empty() && H[st.back()] <= H[i]) {
                int bottom = H[st.back()];
                st.pop_back();
                if (st.empty()) break;
                int wall = H[st.back()] < H[i] ? H[st.back()] : H[i];
                total += 1LL * (wall - bottom) * (i - st.back() - 1);
            }
            st.push_back(i);
            answer[l][i - l] = total;
        }
    }
}

long long water(int L, int R) { return answer[L][R - L]; }
