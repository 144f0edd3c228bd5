// Model solution: Kadane's scan, keeping where the current run started.
#include "bestrun.h"

std::vector<long long> best_run(std::vector<int> A) {
    long long best = A[0], current = 0;
    long long left = 0, right = 0, start = 0;
    for (long long i = 0; i < (long long)A.size(); ++i) {
        if (current <= 0) current = A[i], start = i;
        else current += A[i];
        if (current > best) best = current, left = start, right = i;
    }
    return {best, left, right};
}
