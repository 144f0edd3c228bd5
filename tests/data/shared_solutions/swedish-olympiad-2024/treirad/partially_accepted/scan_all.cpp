// Tests every m < N for being a triple number: O(N * N^(1/3)); fine up to N = 1e5
// (groups 1-4), time limit exceeded for N up to 1e9 (group 5).
#include <bits/stdc++.h>
int main() {
    long long n;
    std::cin >> n;
    long long cnt = 0;
    for (long long m = 1; m < n; m++) {
        for (long long a = 1; a * (a + 1) * (a + 2) <= m; a++)
            if (a * (a + 1) * (a + 2) == m) { cnt++; break; }
    }
    std::cout << cnt << "\n";
}
