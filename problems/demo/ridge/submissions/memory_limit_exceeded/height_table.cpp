// Reserves a "height table" in 8 MiB blocks, filling each block, before reading anything:
// about 600 MiB in all, more than twice the 256 MiB limit, on every test.
#include <cstdio>
#include <vector>

int main() {
    std::vector<std::vector<int>> blocks;
    for (int b = 0; b < 75; ++b) blocks.emplace_back(2 * 1024 * 1024, b + 1);  // written, so resident
    long long total = 0;
    for (const auto& block : blocks) total += block[block.size() / 2];
    long long n, q;
    if (scanf("%lld %lld", &n, &q) != 2) return 0;
    printf("! %lld\n", 1 + total % n);
    fflush(stdout);
    return 0;
}
