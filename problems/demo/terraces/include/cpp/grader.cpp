// Sample grader for Terraces. Input: N Q, then H[0..N-1], then Q lines "L R".
// Output: the result of each call water(L, R), one per line, in the order of the calls.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "terraces.h"

int main() {
    int n, q;
    if (std::scanf("%d %d", &n, &q) != 2) std::exit(1);
    std::vector<int> h(n);
    for (int i = 0; i < n; ++i)
        if (std::scanf("%d", &h[i]) != 1) std::exit(1);
    std::vector<int> ls(q), rs(q);
    for (int i = 0; i < q; ++i)
        if (std::scanf("%d %d", &ls[i], &rs[i]) != 2) std::exit(1);
    init(h);
    std::vector<long long> answers(q);
    for (int i = 0; i < q; ++i) answers[i] = water(ls[i], rs[i]);
    for (int i = 0; i < q; ++i) std::printf("%lld\n", answers[i]);
    return 0;
}
