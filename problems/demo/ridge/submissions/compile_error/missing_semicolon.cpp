// Fibonacci search with a missing semicolon.
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
    known[i] = value
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
