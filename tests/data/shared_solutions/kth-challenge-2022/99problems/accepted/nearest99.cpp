// Candidates are 100k+99 for k >= 0; only the two around N can be nearest.
#include <cstdio>
#include <cstdlib>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 0;
    long long below = (n - 99) / 100 * 100 + 99;  // largest 100k+99 <= n (n >= 99)
    if (n < 99) below = -1;                          // no positive candidate below
    long long above = (below < 0 ? 99 : below + 100);
    long long best = above;  // ties go to the bigger one
    if (below > 0 && n - below < above - n) best = below;
    printf("%lld\n", best);
}
