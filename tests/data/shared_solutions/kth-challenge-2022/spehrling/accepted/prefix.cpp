// Every char of S1 right of the leftmost cursor position costs >= 1 (left or backspace),
// every char of S2 there costs >= 1 (right or typing); the prefix left of it must be common.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string a, b;
    cin >> a >> b;
    size_t p = 0;
    while (p < a.size() && p < b.size() && a[p] == b[p]) p++;
    cout << a.size() + b.size() - 2 * p << "\n";
}
