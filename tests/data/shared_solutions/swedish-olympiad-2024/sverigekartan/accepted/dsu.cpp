// Land only ever grows, so a union-find over cells answers each update in near O(1).
#include <bits/stdc++.h>
using namespace std;
static vector<int> par, sz;
static int find(int x) {
    while (par[x] != x) x = par[x] = par[par[x]];
    return x;
}
static void unite(int a, int b) {
    a = find(a), b = find(b);
    if (a == b) return;
    if (sz[a] < sz[b]) swap(a, b);
    par[b] = a;
    sz[a] += sz[b];
}
int main() {
    int r, c, u;
    if (scanf("%d %d %d", &r, &c, &u) != 3) return 0;
    vector<string> g(r);
    static char buf[600];
    int s = 0;
    for (int i = 0; i < r; i++) {
        scanf("%s", buf);
        g[i] = buf;
        for (int j = 0; j < c; j++)
            if (g[i][j] == 'S') s = i * c + j;
    }
    par.resize(r * c);
    sz.assign(r * c, 1);
    iota(par.begin(), par.end(), 0);
    auto land = [&](int i, int j) { return i >= 0 && j >= 0 && i < r && j < c && g[i][j] != '.'; };
    auto join = [&](int i, int j) {
        const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
        for (int d = 0; d < 4; d++)
            if (land(i + di[d], j + dj[d])) unite(i * c + j, (i + di[d]) * c + j + dj[d]);
    };
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++)
            if (land(i, j)) join(i, j);
    string out = to_string(sz[find(s)]) + "\n";
    for (int q = 0; q < u; q++) {
        int i, j;
        scanf("%d %d", &i, &j);
        i--, j--;
        if (!land(i, j)) {
            g[i][j] = '#';
            join(i, j);
        }
        out += to_string(sz[find(s)]) + "\n";
    }
    fputs(out.c_str(), stdout);
}
