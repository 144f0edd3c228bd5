// Ignores the digit: right only when it is 1 (group 1), wrong answer otherwise.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string s;
    cin >> s;
    cout << s << "\n";
}
