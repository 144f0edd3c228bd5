// Plausible slip: rounds to the nearest hundred and subtracts one, breaking ties downwards
// and ignoring that 99 is the smallest candidate.
#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 0;
    long long h = (n + 49) / 100;  // ties (..50) round to the lower candidate: wrong
    printf("%lld\n", h * 100 - 1);
}
