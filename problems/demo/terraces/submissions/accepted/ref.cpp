// Reference solution, O(N log N) + O(1) per call.
// Let m be a highest terrace of [L, R]. Left of m, terrace t holds max(H[L..t]) - H[t]. The sum
// of these prefix maxima follows the chain of "next strictly higher" terraces from L; every
// prefix maximum from m on equals the one started at m (nothing in [L, m) is higher than H[m]),
// so the sum over [L, m) is fromLeft[L] - fromLeft[m], where
// fromLeft[i] = sum over t >= i of max(H[i..t]). The right side is symmetric.
#include "terraces.h"

#include <vector>

namespace {

int n;
std::vector<long long> h, prefix, fromLeft, fromRight;
std::vector<std::vector<int>> top;  // sparse table: position of a maximum of [i, i + 2^k)

int highest(int l, int r) {
    int k = 31 - __builtin_clz(r - l + 1);
    int a = top[k][l], b = top[k][r - (1 << k) + 1];
    return h[b] > h[a] ? b : a;
}

}  // namespace

void init(std::vector<int> H) {
    n = H.size();
    h.assign(H.begin(), H.end());
    prefix.assign(n + 1, 0);
    for (int i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + h[i];

    std::vector<int> st;
    fromLeft.assign(n + 1, 0);
    for (int i = n - 1; i >= 0; --i) {
        while (!st.empty() && h[st.back()] <= h[i]) st.pop_back();
        int next = st.empty() ? n : st.back();
        fromLeft[i] = h[i] * (next - i) + fromLeft[next];
        st.push_back(i);
    }
    st.clear();
    fromRight.assign(n + 1, 0);  // fromRight[i + 1] = sum over t <= i of max(H[t..i])
    for (int i = 0; i < n; ++i) {
        while (!st.empty() && h[st.back()] <= h[i]) st.pop_back();
        int prev = st.empty() ? -1 : st.back();
        fromRight[i + 1] = h[i] * (i - prev) + fromRight[prev + 1];
        st.push_back(i);
    }

    top.assign(1, std::vector<int>(n));
    for (int i = 0; i < n; ++i) top[0][i] = i;
    for (int k = 1; (1 << k) <= n; ++k) {
        int len = n - (1 << k) + 1, half = 1 << (k - 1);
        top.emplace_back(len);
        for (int i = 0; i < len; ++i) {
            int a = top[k - 1][i], b = top[k - 1][i + half];
            top[k][i] = h[b] > h[a] ? b : a;
        }
    }
}

long long water(int L, int R) {
    int m = highest(L, R);
    long long left = fromLeft[L] - fromLeft[m] - (prefix[m] - prefix[L]);
    long long right = fromRight[R + 1] - fromRight[m + 1] - (prefix[R + 1] - prefix[m + 1]);
    return left + right;
}
