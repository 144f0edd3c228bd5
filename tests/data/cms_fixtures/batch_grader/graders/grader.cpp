#include <cstdio>
#include <vector>
#include "addsum.h"

int main() {
    int n;
    if (std::scanf("%d", &n) != 1) return 1;
    std::vector<int> a(n);
    for (int& x : a) std::scanf("%d", &x);
    std::printf("%lld\n", add_all(a));
    return 0;
}
