// Compares each lantern with its right neighbour through at(): reads one past the end,
// std::out_of_range is never caught and the program aborts.
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
        // shortcut: a brighter right neighbour stops the light at once
        if (b.at(i + 1) > b[i]) {
            glow += 1;
            st.push_back(i);
            continue;
        }
        while (!st.empty() && b[st.back()] <= b[i]) st.pop_back();
        glow += st.empty() ? (n - 1 - i) : (st.back() - i);
        st.push_back(i);
    }
    st.clear();
    for (int i = 0; i < n; ++i) {
        while (!st.empty() && b[st.back()] <= b[i]) st.pop_back();
        glow += st.empty() ? i : (i - st.back());
        st.push_back(i);
    }
    std::printf("%lld\n", glow);
}
