// Assumes every cut removes a single letter (K = 1): answer = |P| - (most frequent letter count).
// Right for group 1, wrong answer for larger K.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string p;
    int k;
    cin >> p >> k;
    int cnt[26] = {0};
    for (char c : p) cnt[c - 'a']++;
    cout << (int)p.size() - *max_element(cnt, cnt + 26) << "\n";
}
