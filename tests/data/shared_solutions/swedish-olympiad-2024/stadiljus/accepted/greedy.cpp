// The k cheapest strips have the smallest average for that k, and that average grows with k.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    long long x, y;
    scanf("%d %lld %lld", &n, &x, &y);
    vector<long long> l(n);
    for (auto& v : l) scanf("%lld", &v);
    sort(l.begin(), l.end());
    long long sum = 0;
    int best = 0;
    for (int k = 1; k <= n; k++) {
        sum += x * l[k - 1];
        if (sum <= y * k) best = k;
        else break;
    }
    printf("%d\n", best);
}
