// Plausible but wrong: compares the fullest row with the fullest column instead of
// asking whether each explanation is possible with at most N flips.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 0;
    vector<int> r(n, 0), c(n, 0);
    static char buf[1100];
    for (int i = 0; i < n; i++) {
        scanf("%s", buf);
        for (int j = 0; j < n; j++)
            if (buf[j] == '1') { r[i]++; c[j]++; }
    }
    int br = *max_element(r.begin(), r.end()), bc = *max_element(c.begin(), c.end());
    puts(br == bc ? "+" : (br > bc ? "-" : "|"));
}
