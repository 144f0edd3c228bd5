// Plausible but wrong: walls the K villages (other than the top) with the largest subtrees,
// then reports the largest remaining part.
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    vector<int> par(n + 1, 0), sub(n + 1, 1);
    for (int i = 2; i <= n; i++) scanf("%d", &par[i]);
    for (int v = n; v >= 2; v--) sub[par[v]] += sub[v];
    vector<int> order;
    for (int v = 2; v <= n; v++) order.push_back(v);
    sort(order.begin(), order.end(), [&](int a, int b) { return sub[a] > sub[b]; });
    vector<char> wall(n + 1, 0);
    for (int i = 0; i < k && i < (int)order.size(); i++) wall[order[i]] = 1;
    vector<int> res(n + 1, 1);
    int best = 0;
    for (int v = n; v >= 1; v--) {
        if (wall[v]) continue;
        best = max(best, res[v]);
        if (v > 1 && !wall[par[v]]) res[par[v]] += res[v];
    }
    printf("%d\n", best);
}
