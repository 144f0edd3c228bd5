// Validator for subtask 2 of Lanterns: b_i <= 10.
//
// Demo note: this validator is deliberately lax, as model-written ones sometimes are: it reads
// with scanf (any whitespace passes), checks only the subtask's own bound b_i <= 10 and forgets
// the lower bound b_i >= 1. It accepts some invalid inputs (gen_any's zeros); the strict val_all
// rejects them, and an input needs 75% of the votes (here: both), so they are still dropped.
#include <cstdio>

int main() {
    int n;
    if (std::scanf("%d", &n) != 1 || n < 1 || n > 200000) return 1;
    for (int i = 0; i < n; ++i) {
        long long b;
        if (std::scanf("%lld", &b) != 1 || b > 10) return 1;
    }
    return 0;
}
