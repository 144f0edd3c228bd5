// Written for groups 1-2 only: counts strips of length 10 and treats every other length as 20.
// Correct when all L_i are 10 or 20; wrong answer on general lengths (groups 3-4).
#include <bits/stdc++.h>
using namespace std;
int main() {
    long long n, x, y;
    cin >> n >> x >> y;
    long long tens = 0;
    for (long long i = 0; i < n; i++) {
        long long v;
        cin >> v;
        if (v == 10) tens++;
    }
    long long best = 0, sum = 0;
    for (long long k = 1; k <= n; k++) {
        sum += x * (k <= tens ? 10 : 20);
        if (sum <= y * k) best = k;
    }
    cout << best << "\n";
}
