// Plausible shortcut: always keep the most frequent letter (first one on ties) and never cut
// away copies of it; the best letter and merging runs by cutting kept letters are both missed.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string p;
    int k;
    cin >> p >> k;
    int cnt[26] = {0};
    for (char c : p) cnt[c - 'a']++;
    char ch = 'a' + (max_element(cnt, cnt + 26) - cnt);
    int cuts = 0, run = 0;
    for (char c : p) {
        if (c == ch) { cuts += (run + k - 1) / k; run = 0; }
        else run++;
    }
    cuts += (run + k - 1) / k;
    cout << cuts << "\n";
}
