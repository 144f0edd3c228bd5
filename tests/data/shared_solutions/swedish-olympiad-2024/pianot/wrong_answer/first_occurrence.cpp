// Plausible but wrong: lays the keys out in order of first appearance in the piece.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string s;
    cin >> s;
    int pos[26];
    fill(pos, pos + 26, -1);
    int next = 0;
    for (char c : s)
        if (pos[c - 'a'] < 0) pos[c - 'a'] = next++;
    long long t = 0;
    for (size_t i = 0; i + 1 < s.size(); i++) t += abs(pos[s[i] - 'a'] - pos[s[i + 1] - 'a']);
    cout << t << "\n";
}
