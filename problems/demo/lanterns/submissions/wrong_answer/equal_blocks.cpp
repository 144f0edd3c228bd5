// Misreads the statement: lets a lantern of EQUAL brightness block the light too.
#include <cstdio>
#include <vector>

int main() {
    int n;
    std::scanf("%d", &n);
    std::vector<long long> b(n);
    for (auto& x : b) std::scanf("%lld", &x);
    long long glow = 0;
    std::vector<int> st;
    for (int i = n - 1; i >= 0; --i) {
        while (!st.empty() && b[st.back()] < b[i]) st.pop_back();
        glow += st.empty() ? (n - 1 - i) : (st.back() - i);
        st.push_back(i);
    }
    st.clear();
    for (int i = 0; i < n; ++i) {
        while (!st.empty() && b[st.back()] < b[i]) st.pop_back();
        glow += st.empty() ? i : (i - st.back());
        st.push_back(i);
    }
    std::printf("%lld\n", glow);
}
