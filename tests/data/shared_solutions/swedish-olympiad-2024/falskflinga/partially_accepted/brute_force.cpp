// Tries every symmetric image: 2^(number of orbit representatives) candidates.
// 2^10 for N = 7 and 2^21 for N = 11 are fine; 2^36 for N = 15 exceeds the time limit (group 3).
// Rows are bitmasks so the local rules (2x2 block, hook) are a few word operations per row.
#include <bits/stdc++.h>
using namespace std;
int n, m;
unsigned W[15];

bool locallyOk() {
    for (int i = 0; i < n; i++) {
        unsigned up = i ? W[i - 1] : 0, down = i + 1 < n ? W[i + 1] : 0;
        unsigned left = W[i] << 1, right = W[i] >> 1;  // neighbour bits aligned to each cell
        if (i + 1 < n && (W[i] & (W[i] >> 1) & W[i + 1] & (W[i + 1] >> 1))) return false;
        // hook: exactly one vertical and exactly one horizontal white neighbour
        if (W[i] & (up ^ down) & (left ^ right) & ((1u << n) - 1)) return false;
    }
    return true;
}

bool connected(int colour) {  // white: 4-neighbours, black: 8-neighbours
    int total = 0, si = -1, sj = -1;
    auto cell = [&](int i, int j) { return (int)(W[i] >> j & 1) == colour; };
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (cell(i, j)) { total++; si = i; sj = j; }
    if (total == 0) return true;
    vector<vector<char>> seen(n, vector<char>(n, 0));
    vector<pair<int, int>> st = {{si, sj}};
    seen[si][sj] = 1;
    int reached = 0;
    while (!st.empty()) {
        auto [i, j] = st.back();
        st.pop_back();
        reached++;
        for (int di = -1; di <= 1; di++)
            for (int dj = -1; dj <= 1; dj++) {
                if ((!di && !dj) || (colour == 1 && di && dj)) continue;
                int a = i + di, b = j + dj;
                if (a >= 0 && b >= 0 && a < n && b < n && !seen[a][b] && cell(a, b)) {
                    seen[a][b] = 1;
                    st.push_back({a, b});
                }
            }
    }
    return reached == total;
}

int main() {
    scanf("%d", &n);
    m = (n - 1) / 2;
    vector<string> img(n);
    for (int i = 0; i < n; i++)
        while ((int)img[i].size() < n) {
            char ch;
            scanf(" %c", &ch);
            img[i] += ch;
        }
    // orbit representative of each cell: (min, max) of the centre-relative |coordinates|
    map<pair<int, int>, int> id;
    vector<vector<pair<int, unsigned>>> cells;  // per representative: (row, bit)
    vector<long long> ifWhite, ifBlack;         // repainting cost of the orbit
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            int a = abs(i - m), b = abs(j - m);
            pair<int, int> key = {min(a, b), max(a, b)};
            if (!id.count(key)) {
                id[key] = cells.size();
                cells.push_back({});
                ifWhite.push_back(0);
                ifBlack.push_back(0);
            }
            int k = id[key];
            cells[k].push_back({i, 1u << j});
            (img[i][j] == '1' ? ifBlack : ifWhite)[k]++;
        }
    int reps = cells.size(), centre = id[{0, 0}];
    long long best = LLONG_MAX;
    for (long long mask = 0; mask < (1LL << reps); mask++) {
        if (!(mask >> centre & 1)) continue;
        long long cost = 0;
        for (int k = 0; k < reps; k++) cost += (mask >> k & 1) ? ifWhite[k] : ifBlack[k];
        if (cost >= best) continue;
        memset(W, 0, sizeof W);
        for (int k = 0; k < reps; k++)
            if (mask >> k & 1)
                for (auto [row, bit] : cells[k]) W[row] |= bit;
        if (locallyOk() && connected(1) && connected(0)) best = cost;
    }
    printf("%lld\n", best);
}
