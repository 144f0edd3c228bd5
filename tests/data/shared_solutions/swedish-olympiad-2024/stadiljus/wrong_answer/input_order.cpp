// Forgets to sort: takes the strips in input order and stops at the first over-budget prefix.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n;
    long long x, y;
    scanf("%d %lld %lld", &n, &x, &y);
    long long sum = 0;
    int best = 0;
    for (int k = 1; k <= n; k++) {
        long long v;
        scanf("%lld", &v);
        sum += x * v;
        if (sum <= y * k) best = k;
        else break;
    }
    printf("%d\n", best);
}
