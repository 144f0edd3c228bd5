// Binary search on the slope: two queries per halving, about 2*log2(N) in all.
// Fits the limits of subtasks 1 and 2 (at most 20 queries for N <= 1000) but needs 38-40 queries
// for N >= 600000, over the 35 allowed in subtask 3. Expected score: 20 + 30 = 50.
#include <cstdio>
#include <cstdlib>

static long long ask(long long i) {
    printf("? %lld\n", i);
    fflush(stdout);
    long long value;
    if (scanf("%lld", &value) != 1) exit(0);
    return value;
}

int main() {
    long long n, q;
    if (scanf("%lld %lld", &n, &q) != 2) return 0;
    long long lo = 1, hi = n;
    while (lo < hi) {
        long long mid = (lo + hi) / 2;
        if (ask(mid) < ask(mid + 1)) lo = mid + 1;
        else hi = mid;
    }
    printf("! %lld\n", lo);
    fflush(stdout);
    return 0;
}
