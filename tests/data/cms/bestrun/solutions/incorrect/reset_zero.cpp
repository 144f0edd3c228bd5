// Kadane's scan starting from an empty run of sum 0: answers S = 0 when every element is
// negative (test 2-02). Score 30.
#include "bestrun.h"

std::vector<long long> best_run(std::vector<int> A) {
    long long best = 0, current = 0;
    long long left = 0, right = 0, start = 0;
    for (long long i = 0; i < (long long)A.size(); ++i) {
        current += A[i];
        if (current > best) best = current, left = start, right = i;
        if (current < 0) current = 0, start = i + 1;
    }
    return {best, left, right};
}
