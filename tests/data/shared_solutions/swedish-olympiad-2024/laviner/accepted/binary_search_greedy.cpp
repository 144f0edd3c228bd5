// The damage from a village is the size of its part of the forest left after removing walled
// villages, so the answer is the smallest D such that <= K walls split the tree into parts of
// size <= D. For fixed D, a bottom-up greedy walls a village exactly when the part hanging
// below it (itself included) would exceed D; parents have smaller numbers (a_i <= i), so a
// reverse sweep is a valid bottom-up order.
#include <bits/stdc++.h>
using namespace std;
int n, k;
vector<int> par;
int wallsNeeded(int d) {
    vector<int> res(n + 1, 1);
    int walls = 0;
    for (int v = n; v >= 1; v--) {
        if (res[v] > d) { walls++; res[v] = 0; }
        if (v > 1) res[par[v]] += res[v];
    }
    return walls;
}
int main() {
    scanf("%d %d", &n, &k);
    par.assign(n + 1, 0);
    for (int i = 2; i <= n; i++) scanf("%d", &par[i]);
    int lo = 1, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (wallsNeeded(mid) <= k) hi = mid;
        else lo = mid + 1;
    }
    printf("%d\n", lo);
}
