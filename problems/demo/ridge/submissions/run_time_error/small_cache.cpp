// Fibonacci search with a fixed 64-slot cache indexed by position, written with .at(): the first
// probe past position 63 throws std::out_of_range and aborts. Fine for N <= 50 (subtask 1, score 20).
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <vector>

static long long n, q;
static std::vector<long long> cache(64, LLONG_MIN);
static std::vector<bool> cached(64, false);

static long long height(long long i) {
    if (i > n) return LLONG_MIN;
    if (cached.at(i)) return cache.at(i);
    printf("? %lld\n", i);
    fflush(stdout);
    long long value;
    if (scanf("%lld", &value) != 1) exit(0);
    cached.at(i) = true;
    cache.at(i) = value;
    return value;
}

int main() {
    if (scanf("%lld %lld", &n, &q) != 2) return 0;
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
