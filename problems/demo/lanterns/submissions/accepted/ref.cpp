// Reference solution: for every lantern, the nearest strictly brighter lantern on each side
// (monotonic stack), O(N).
#include <cstdio>
#include <vector>

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::vector<long long> b(n);
    for (auto& x : b) std::scanf("%lld", &x);

    long long glow = 0;
    std::vector<int> st;
    st.reserve(n);
    // Right-going light: stopped by the nearest strictly brighter lantern to the right.
    for (int i = n - 1; i >= 0; --i) {
        while (!st.empty() && b[st.back()] <= b[i]) st.pop_back();
        glow += st.empty() ? (n - 1 - i) : (st.back() - i);
        st.push_back(i);
    }
    st.clear();
    // Left-going light, symmetric.
    for (int i = 0; i < n; ++i) {
        while (!st.empty() && b[st.back()] <= b[i]) st.pop_back();
        glow += st.empty() ? i : (i - st.back());
        st.push_back(i);
    }
    std::printf("%lld\n", glow);
    return 0;
}
