// Right sum, but the run is always reported as 0..0: half of every test where A[0] alone is not
// optimal. Score 50.
#include "bestrun.h"

std::vector<long long> best_run(std::vector<int> A) {
    long long best = A[0], current = 0;
    for (int x : A) {
        current = current <= 0 ? x : current + x;
        if (current > best) best = current;
    }
    return {best, 0, 0};
}
