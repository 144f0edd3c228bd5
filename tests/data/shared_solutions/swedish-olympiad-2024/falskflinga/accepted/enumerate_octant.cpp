// Rotation by 90 degrees plus the vertical mirror generate all 8 symmetries of the square, so a
// snowflake is fixed by the cells (a, b) with 0 <= a <= b <= m (m = (N-1)/2), at most 36 of them.
// Enumerate all snowflakes by backtracking ring by ring (b = Chebyshev distance from the
// centre), pruning as soon as a 2x2 white block, a hook, or a white/black component that can
// never join the rest appears; then price each snowflake against the image.
#include <bits/stdc++.h>
using namespace std;

int n, m;
int col[15][15];  // -1 unknown, 0 black, 1 white; indices are centre-relative + m
vector<pair<int, int>> reps;           // orbit representatives in assignment order
vector<vector<pair<int, int>>> orbit;  // cells of each representative's orbit
vector<unsigned long long> found;

int at(int i, int j) {  // centre-relative, outside the image counts as black
    if (i < -m || i > m || j < -m || j > m) return 0;
    return col[i + m][j + m];
}

bool blockOk(int i, int j) {  // 2x2 block with top-left (i, j)
    int v[4] = {at(i, j), at(i + 1, j), at(i, j + 1), at(i + 1, j + 1)};
    for (int x : v)
        if (x != 1) return true;
    return false;
}

bool hookOk(int i, int j) {  // hook test centred at (i, j), skipped until all 5 cells are known
    if (i < -m || i > m || j < -m || j > m) return true;
    int c = at(i, j), u = at(i - 1, j), d = at(i + 1, j), l = at(i, j - 1), r = at(i, j + 1);
    if (c != 1) return true;
    if (u < 0 || d < 0 || l < 0 || r < 0) return true;
    if (u + d + l + r != 2) return true;
    return (u && d) || (l && r);
}

// A component with no unknown neighbour can never grow; it is only allowed if it is the sole
// component of its colour so far (white: 4-neighbours, black: 8-neighbours). Rows are bitmasks
// so a flood fill is a few dozen word operations.
typedef array<unsigned, 15> Rows;
bool colourOk(const Rows& mine, const Rows& unknown, bool diagonal) {
    const unsigned full = (1u << n) - 1;
    Rows left = mine;
    int comps = 0;
    bool closed = false;
    for (int r0 = 0; r0 < n; r0++)
        while (left[r0]) {
            Rows comp{};
            comp[r0] = left[r0] & -left[r0];
            for (bool grew = true; grew;) {
                grew = false;
                for (int i = 0; i < n; i++) {
                    unsigned row = comp[i] | (comp[i] << 1) | (comp[i] >> 1);
                    unsigned vert = (i ? comp[i - 1] : 0) | (i + 1 < n ? comp[i + 1] : 0);
                    if (diagonal) vert |= (vert << 1) | (vert >> 1);
                    unsigned nxt = (row | vert) & mine[i] & full;
                    if (nxt != comp[i]) { comp[i] = nxt; grew = true; }
                }
            }
            bool open = false;
            for (int i = 0; i < n && !open; i++) {
                unsigned row = comp[i] | (comp[i] << 1) | (comp[i] >> 1);
                unsigned vert = (i ? comp[i - 1] : 0) | (i + 1 < n ? comp[i + 1] : 0);
                if (diagonal) vert |= (vert << 1) | (vert >> 1);
                if ((row | vert) & unknown[i] & full) open = true;
            }
            for (int i = 0; i < n; i++) left[i] &= ~comp[i];
            comps++;
            if (!open) closed = true;
        }
    return !(closed && comps > 1);
}

bool componentsOk() {
    Rows white{}, black{}, unknown{};
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            int v = col[i][j];
            (v < 0 ? unknown : v ? white : black)[i] |= 1u << j;
        }
    return colourOk(white, unknown, false) && colourOk(black, unknown, true);
}

void dfs(size_t k, unsigned long long mask) {
    if (k == reps.size()) { found.push_back(mask); return; }
    auto [a, b] = reps[k];
    for (int v = 0; v <= 1; v++) {
        if (k == 0 && v == 0) continue;  // the centre pixel is white
        for (auto [i, j] : orbit[k]) col[i + m][j + m] = v;
        bool ok = true;
        // by symmetry it is enough to look around the representative cell (a, b)
        for (int di = -1; di <= 0 && ok; di++)
            for (int dj = -1; dj <= 0 && ok; dj++) ok = blockOk(a + di, b + dj);
        ok = ok && hookOk(a, b) && hookOk(a - 1, b) && hookOk(a + 1, b) && hookOk(a, b - 1) && hookOk(a, b + 1);
        if (ok) ok = componentsOk();
        if (ok) dfs(k + 1, mask | ((unsigned long long)v << k));
        for (auto [i, j] : orbit[k]) col[i + m][j + m] = -1;
    }
}

int main() {
    if (scanf("%d", &n) != 1) return 0;
    m = (n - 1) / 2;
    vector<string> img(n);
    for (int i = 0; i < n; i++) {
        img[i].clear();
        while ((int)img[i].size() < n) {
            char ch;
            if (scanf(" %c", &ch) != 1) return 0;
            img[i] += ch;
        }
    }
    for (int b = 0; b <= m; b++)
        for (int a = 0; a <= b; a++) {
            reps.push_back({a, b});
            set<pair<int, int>> cells;
            for (int s1 : {-1, 1})
                for (int s2 : {-1, 1}) {
                    cells.insert({s1 * a, s2 * b});
                    cells.insert({s1 * b, s2 * a});
                }
            orbit.push_back(vector<pair<int, int>>(cells.begin(), cells.end()));
        }
    memset(col, -1, sizeof col);
    dfs(0, 0);
    vector<int> white(reps.size(), 0), size(reps.size(), 0);
    for (size_t k = 0; k < reps.size(); k++) {
        size[k] = orbit[k].size();
        for (auto [i, j] : orbit[k]) white[k] += img[i + m][j + m] == '1';
    }
    long long best = LLONG_MAX;
    for (auto mask : found) {
        long long cost = 0;
        for (size_t k = 0; k < reps.size(); k++) cost += (mask >> k & 1) ? size[k] - white[k] : white[k];
        best = min(best, cost);
    }
    printf("%lld\n", best);
}
