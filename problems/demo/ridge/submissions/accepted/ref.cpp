// Reference: Fibonacci search (golden-section search on integers). Each step shrinks the interval
// holding the peak from F(k) to F(k-1) and reuses one of its two probes, so it needs about
// log_phi(N) queries (29 for N = 10^6) where a binary search on the slope needs 2*log2(N) (40).
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

static long long n, q;
static std::map<long long, long long> known;

// Positions past N behave as minus infinity: the ridge keeps falling, and they cost no query.
static long long height(long long i) {
    if (i > n) return LLONG_MIN;
    auto it = known.find(i);
    if (it != known.end()) return it->second;
    printf("? %lld\n", i);
    fflush(stdout);
    long long value;
    if (scanf("%lld", &value) != 1) exit(0);  // the interactor gave up on us
    known[i] = value;
    return value;
}

int main() {
    if (scanf("%lld %lld", &n, &q) != 2) return 0;
    std::vector<long long> fib = {1, 2};
    while (fib.back() < n + 1) fib.push_back(fib[fib.size() - 1] + fib[fib.size() - 2]);

    // Invariant: the peak lies strictly inside (lo, lo + fib[k]).
    long long lo = 0;
    int k = (int)fib.size() - 1;
    while (k >= 2) {
        long long left = lo + fib[k - 2], right = lo + fib[k - 1];
        if (height(left) < height(right)) lo = left;  // peak is right of `left`
        --k;                                          // otherwise it is left of `right`
    }
    printf("! %lld\n", lo + 1);
    fflush(stdout);
    return 0;
}
