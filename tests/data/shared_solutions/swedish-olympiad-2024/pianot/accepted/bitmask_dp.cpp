// Total distance = sum over the gaps between neighbouring keys of the weight of transitions
// crossing that gap. dp[mask] = cheapest way to lay out the key set `mask` as a prefix.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string s;
    cin >> s;
    map<char, int> id;
    for (char c : s)
        if (!id.count(c)) { int v = id.size(); id[c] = v; }
    int d = id.size();
    vector<vector<long long>> w(d, vector<long long>(d, 0));
    for (size_t i = 0; i + 1 < s.size(); i++) {
        int a = id[s[i]], b = id[s[i + 1]];
        if (a != b) { w[a][b]++; w[b][a]++; }
    }
    int full = (1 << d) - 1;
    vector<long long> cut(1 << d, 0), dp(1 << d, LLONG_MAX);
    for (int m = 0; m <= full; m++)
        for (int a = 0; a < d; a++)
            if (m >> a & 1)
                for (int b = 0; b < d; b++)
                    if (!(m >> b & 1)) cut[m] += w[a][b];
    dp[0] = 0;
    for (int m = 1; m <= full; m++)
        for (int a = 0; a < d; a++)
            if ((m >> a & 1) && dp[m ^ (1 << a)] != LLONG_MAX)
                dp[m] = min(dp[m], dp[m ^ (1 << a)] + cut[m]);
    cout << dp[full] << "\n";
}
