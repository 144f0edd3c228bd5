// Tries every key order: fine for at most 8 distinct keys (group 1), time limit exceeded
// for up to 15 (group 2).
#include <bits/stdc++.h>
using namespace std;
int main() {
    string s;
    cin >> s;
    string keys = s;
    sort(keys.begin(), keys.end());
    keys.erase(unique(keys.begin(), keys.end()), keys.end());
    long long best = LLONG_MAX;
    int pos[26];
    do {
        for (size_t i = 0; i < keys.size(); i++) pos[keys[i] - 'a'] = i;
        long long t = 0;
        for (size_t i = 0; i + 1 < s.size(); i++) t += abs(pos[s[i] - 'a'] - pos[s[i + 1] - 'a']);
        best = min(best, t);
    } while (next_permutation(keys.begin(), keys.end()));
    cout << best << "\n";
}
