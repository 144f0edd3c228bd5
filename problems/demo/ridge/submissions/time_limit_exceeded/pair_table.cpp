// Correct Fibonacci search, preceded by a pointless O(N^2) "pair table" pass: instant for
// N <= 1000, about 10^12 steps for N = 10^6 (subtask 3), far beyond the 1 s CPU limit.
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

static long long n, q;
static std::map<long long, long long> known;

static long long height(long long i) {
    if (i > n) return LLONG_MIN;
    auto it = known.find(i);
    if (it != known.end()) return it->second;
    printf("? %lld\n", i);
    fflush(stdout);
    long long value;
    if (scanf("%lld", &value) != 1) exit(0);
    known[i] = value;
    return value;
}

int main() {
    if (scanf("%lld %lld", &n, &q) != 2) return 0;
    // A chained multiply keeps every step dependent on the last one: no vectorising it away.
    unsigned long long mix = 1;
    for (long long i = 1; i <= n; ++i)
        for (long long j = 1; j <= n; ++j) mix = mix * 6364136223846793005ULL + (unsigned long long)(i ^ j);
    if (mix == 42) fprintf(stderr, "unlikely\n");

    std::vector<long long> fib = {1, 2};
    while (fib.back() < n + 1) fib.push_back(fib[fib.size() - 1] + fib[fib.size() - 2]);
    long long lo = 0;
    int k = (int)fib.size() - 1;
    while (k >= 2) {
        long long left = lo + fib[k - 2], right = lo + fib[k - 1];
        if (height(left) < height(right)) lo = left;
        --k;
    }
    printf("! %lld\n", lo + 1);
    fflush(stdout);
    return 0;
}
