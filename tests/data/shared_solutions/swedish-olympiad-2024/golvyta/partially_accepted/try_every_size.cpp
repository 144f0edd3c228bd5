// Simulates every height and width from 1 upwards: O(K^2). Fine for K <= 5000 (groups 2-3);
// time limit exceeded for K = 3e5 (groups 1 and 4).
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
    for (long long size = 1; size <= (long long)s.size() + 1; size++)
        if (finalPos(size, inc, dec) == target) return size;
    return -1;
}
int main() {
    int k;
    long long r, c;
    cin >> k >> s >> r >> c;
    long long n = smallest(r, 'v', '^'), m = smallest(c, '>', '<');
    cout << (n < 0 || m < 0 ? -1 : n * m) << "\n";
}
