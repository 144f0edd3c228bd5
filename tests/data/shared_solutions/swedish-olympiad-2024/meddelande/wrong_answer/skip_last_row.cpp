// Row-major reading with an off-by-one loop bound that never reads the last row's letters.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n, m;
    cin >> n >> m;
    vector<string> g(n);
    for (auto& r : g) cin >> r;
    string out;
    for (int i = 0; i + 1 < n; i++)
        for (char c : g[i])
            if (c != '.') out += c;
    cout << out << "\n";
}
