// Mixes up the two labels: more b's is reported as "kiki" and vice versa.
#include <bits/stdc++.h>
using namespace std;
int main() {
    string s;
    cin >> s;
    long long b = count(s.begin(), s.end(), 'b'), k = count(s.begin(), s.end(), 'k');
    if (b == 0 && k == 0) puts("none");
    else if (b > k) puts("kiki");
    else if (k > b) puts("boba");
    else puts("boki");
}
