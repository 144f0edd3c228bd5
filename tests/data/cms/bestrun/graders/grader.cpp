// Grader for "bestrun" (CMS Batch, compilation "grader"): compiled together with the contestant's
// file, reads the test from stdin, calls best_run and prints what it returned on stdout.
#include <cstdio>
#include <vector>

#include "bestrun.h"

int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::vector<int> a(n);
    for (int& x : a)
        if (scanf("%d", &x) != 1) return 1;
    std::vector<long long> result = best_run(a);
    for (size_t i = 0; i < result.size(); ++i) printf("%lld%c", result[i], i + 1 < result.size() ? ' ' : '\n');
    if (result.empty()) printf("\n");
    return 0;
}
