// Same greedy check, but tries D = 1, 2, 3, ... instead of binary searching: O(N * answer).
// Fast when N <= 1000 or the answer is small; time limit exceeded with K = 1 and N = 1e5.
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
    int d = 1;
    while (wallsNeeded(d) > k) d++;
    printf("%d\n", d);
}
