// Walk up the ridge from the left until the next height is lower: min(P + 1, N) queries.
// Within Q = 50 for N <= 50 (subtask 1) only. Expected score: 20.
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
    long long peak = n;
    long long previous = ask(1);
    for (long long i = 2; i <= n; ++i) {
        long long current = ask(i);
        if (current < previous) {
            peak = i - 1;
            break;
        }
        previous = current;
    }
    printf("! %lld\n", peak);
    fflush(stdout);
    return 0;
}
