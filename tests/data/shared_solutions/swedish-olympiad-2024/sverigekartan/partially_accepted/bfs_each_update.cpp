// Recounts Stockholm's component with a flood fill after every update: O(U * R * C).
// Fine for U = 0 or small grids; time limit exceeded on big grids with many updates (group 6).
#include <bits/stdc++.h>
using namespace std;
int r, c;
vector<string> g;
int flood(int si, int sj) {
    vector<char> seen(r * c, 0);
    vector<int> st = {si * c + sj};
    seen[si * c + sj] = 1;
    int cnt = 0;
    while (!st.empty()) {
        int v = st.back();
        st.pop_back();
        cnt++;
        int i = v / c, j = v % c;
        const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
        for (int d = 0; d < 4; d++) {
            int a = i + di[d], b = j + dj[d];
            if (a >= 0 && b >= 0 && a < r && b < c && g[a][b] != '.' && !seen[a * c + b]) {
                seen[a * c + b] = 1;
                st.push_back(a * c + b);
            }
        }
    }
    return cnt;
}
int main() {
    int u;
    cin >> r >> c >> u;
    g.resize(r);
    int si = 0, sj = 0;
    for (int i = 0; i < r; i++) {
        cin >> g[i];
        for (int j = 0; j < c; j++)
            if (g[i][j] == 'S') si = i, sj = j;
    }
    printf("%d\n", flood(si, sj));
    for (int q = 0; q < u; q++) {
        int i, j;
        scanf("%d %d", &i, &j);
        if (g[i - 1][j - 1] == '.') g[i - 1][j - 1] = '#';
        printf("%d\n", flood(si, sj));
    }
}
