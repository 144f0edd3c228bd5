// A row r is possible iff turning the grid into "only row r is ones" needs <= N flips.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    vector<int> rowOnes(n, 0), colOnes(n, 0);
    long long total = 0;
    static char buf[1100];
    for (int i = 0; i < n; i++) {
        scanf("%s", buf);
        for (int j = 0; j < n; j++)
            if (buf[j] == '1') { rowOnes[i]++; colOnes[j]++; total++; }
    }
    bool row = false, col = false;
    for (int i = 0; i < n; i++) {
        if ((total - rowOnes[i]) + (n - rowOnes[i]) <= n) row = true;
        if ((total - colOnes[i]) + (n - colOnes[i]) <= n) col = true;
    }
    puts(row && col ? "+" : (row ? "-" : "|"));
}
