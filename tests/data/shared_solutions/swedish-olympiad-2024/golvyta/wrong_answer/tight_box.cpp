// Plausible but wrong: assumes the room is exactly (r+1) x (c+1) and only checks that grid,
// missing bigger rooms that also end at (r, c).
#include <bits/stdc++.h>
using namespace std;
int main() {
    int k;
    string s;
    long long r, c;
    cin >> k >> s >> r >> c;
    long long n = r + 1, m = c + 1, x = 0, y = 0;
    for (char ch : s) {
        if (ch == 'v' && x + 1 < n) x++;
        if (ch == '^' && x > 0) x--;
        if (ch == '>' && y + 1 < m) y++;
        if (ch == '<' && y > 0) y--;
    }
    cout << (x == r && y == c ? n * m : -1) << "\n";
}
