// Only looks at which letters occur, not how many: right when at most one of b/k occurs
// (groups 1 and 2), wrong answer when both occur with different counts (group 3).
#include <bits/stdc++.h>
using namespace std;
int main() {
    string s;
    cin >> s;
    bool b = s.find('b') != string::npos, k = s.find('k') != string::npos;
    puts(b && k ? "boki" : b ? "boba" : k ? "kiki" : "none");
}
