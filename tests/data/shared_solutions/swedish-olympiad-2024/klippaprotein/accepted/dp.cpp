// Pick the surviving letter ch and the kept positions (a nonempty subset of ch's positions);
// every maximal removed run of length L between kept letters costs ceil(L / K) cuts, because a
// cut cannot span a kept letter. DP over the last kept position.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string p;
    int k;
    cin >> p >> k;
    int n = p.size();
    auto cost = [&](int len) { return (len + k - 1) / k; };
    int best = INT_MAX;
    for (char ch = 'a'; ch <= 'z'; ch++) {
        vector<int> dp(n, INT_MAX);  // dp[i]: min cuts for prefix up to kept position i
        for (int i = 0; i < n; i++) {
            if (p[i] != ch) continue;
            dp[i] = cost(i);
            for (int j = 0; j < i; j++)
                if (dp[j] != INT_MAX) dp[i] = min(dp[i], dp[j] + cost(i - j - 1));
            best = min(best, dp[i] + cost(n - 1 - i));
        }
    }
    cout << best << "\n";
}
