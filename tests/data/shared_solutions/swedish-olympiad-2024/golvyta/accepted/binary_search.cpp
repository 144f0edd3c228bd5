// Rows and columns are independent walks clamped to [0, N-1] and [0, M-1].
// Coupling the walks for sizes N and N+1 shows their positions differ by 0 or 1 at every step,
// so the final row f(N) is nondecreasing in N with steps of at most 1: binary search the
// smallest N with f(N) >= r and check equality. Sizes beyond K+1 never change f.
#include <bits/stdc++.h>
using namespace std;
static string s;
static long long finalPos(long long size, char inc, char dec) {
    long long p = 0;
    for (char ch : s) {
        if (ch == inc && p + 1 < size) p++;
        else if (ch == dec && p > 0) p--;
    }
    return p;
}
static long long smallest(long long target, char inc, char dec) {
    long long lo = 1, hi = (long long)s.size() + 1;
    if (finalPos(hi, inc, dec) < target) return -1;
    while (lo < hi) {
        long long mid = (lo + hi) / 2;
        if (finalPos(mid, inc, dec) >= target) hi = mid;
        else lo = mid + 1;
    }
    return finalPos(lo, inc, dec) == target ? lo : -1;
}
int main() {
    int k;
    long long r, c;
    cin >> k >> s >> r >> c;
    long long n = smallest(r, 'v', '^'), m = smallest(c, '>', '<');
    cout << (n < 0 || m < 0 ? -1 : n * m) << "\n";
}
