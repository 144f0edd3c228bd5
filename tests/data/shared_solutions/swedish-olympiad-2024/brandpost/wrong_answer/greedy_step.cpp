// Plausible but wrong: walks north/east greedily, always stepping onto the drier neighbour.
#include <bits/stdc++.h>
using namespace std;
int w, h, n;
vector<int> bx, by;
long long water(int x, int y) {
    long long t = x + y - 2, s = 0;
    for (int i = 0; i < n; i++) {
        long long v = t - abs(x - bx[i]) - abs(y - by[i]) + 1;
        if (v > 0) s += v;
    }
    return s;
}
int main() {
    scanf("%d %d %d", &w, &h, &n);
    bx.resize(n), by.resize(n);
    for (int i = 0; i < n; i++) scanf("%d %d", &bx[i], &by[i]);
    int x = 1, y = 1;
    long long total = water(1, 1);
    while (x < w || y < h) {
        if (x == w) y++;
        else if (y == h) x++;
        else if (water(x + 1, y) <= water(x, y + 1)) x++;
        else y++;
        total += water(x, y);
    }
    printf("%lld\n", total);
}
